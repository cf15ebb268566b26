"""The troubleshoot app's models, one module per domain; importing them here is how
Django finds them (and where migrations and other apps may import them from).
"""

from troubleshoot.accounts.models import (  # noqa: F401
    ROLE_RANK,
    Account,
    AllUsersManager,
    ApiToken,
    Invitation,
    MfaPolicy,
    Role,
    Team,
    User,
    UserManager,
    UserQuerySet,
)
from troubleshoot.sessions.models import (  # noqa: F401
    Session,
    SessionKind,
    SessionStatus,
    Step,
    StepKind,
)
from troubleshoot.trees.models import (  # noqa: F401
    Node,
    NodeKind,
    Option,
    ProposalStatus,
    Tree,
    TreeProposal,
    TreeVersion,
    WordingStatus,
)
