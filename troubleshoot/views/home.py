from django.shortcuts import redirect, render

from troubleshoot.accounts.roles import is_member


def home(request):
    """The start page: members land on their sessions; others log in."""
    if not request.user.is_authenticated:
        return redirect("login")
    if not is_member(request.user):
        return render(request, "troubleshoot/no_account.html", status=403)
    return redirect("troubleshoot:session_list")
