"""Forms of the tree library and editor. Limits are stated in the help texts."""

from django import forms

from troubleshoot.input.params import PageField
from troubleshoot.input.text import UserTextField
from troubleshoot.trees.import_export import IMPORT_MAX_BYTES
from troubleshoot.trees.models import (
    NODE_BODY_MAX,
    NODE_TITLE_MAX,
    OPTION_LABEL_MAX,
    TREE_TITLE_MAX,
    NodeKind,
)
from troubleshoot.trees.selectors import SEARCH_MAX


class TreeMetaForm(forms.Form):
    title = UserTextField(
        max_length=TREE_TITLE_MAX, help_text=f"Up to {TREE_TITLE_MAX} characters."
    )
    category = UserTextField(max_length=60, help_text="E.g. Email, Network, Printing.")
    description = UserTextField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="When to use this tree. Up to 2000 characters.",
    )
    tags = UserTextField(
        required=False, max_length=300, help_text="Comma-separated, e.g. outlook, m365, sync."
    )

    def clean_tags(self):
        tags = [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]
        return ", ".join(dict.fromkeys(tags))


class NodeForm(forms.Form):
    """A step's fields. Its ids start with "node_": the editor shows it beside the
    tree's details form, whose title field would otherwise share the id "id_title"
    (labels would point at the wrong box)."""

    kind = forms.ChoiceField(choices=NodeKind.choices)
    title = UserTextField(
        max_length=NODE_TITLE_MAX, help_text=f"Up to {NODE_TITLE_MAX} characters."
    )
    body = UserTextField(
        required=False,
        max_length=NODE_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Markdown (no raw HTML). Up to {NODE_BODY_MAX} characters.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "node_%s")
        super().__init__(*args, **kwargs)


class OptionForm(forms.Form):
    label = UserTextField(
        max_length=OPTION_LABEL_MAX, help_text=f"Up to {OPTION_LABEL_MAX} characters."
    )
    target = forms.IntegerField(required=False, min_value=1)


class StartNodeForm(forms.Form):
    node = forms.IntegerField(min_value=1)


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        # A plain file input: the default one also reads a "file-clear" checkbox and
        # then hands clean() False instead of a file.
        widget=forms.FileInput,
        help_text=f"A .json file exported from Baton, up to {IMPORT_MAX_BYTES // 1024} KB.",
    )
    text = UserTextField(
        required=False,
        label="…or paste the JSON",
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        max_length=IMPORT_MAX_BYTES,
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > IMPORT_MAX_BYTES:
                raise forms.ValidationError(
                    f"The file is larger than {IMPORT_MAX_BYTES // 1024} KB."
                )
            data["raw"] = upload.read()
        elif data.get("text", "").strip():
            data["raw"] = data["text"]
        else:
            raise forms.ValidationError("Choose a file or paste the exported JSON.")
        return data


class LibraryFilterForm(forms.Form):
    """The library's GET parameters: ?q=&category=&page=. A search the database cannot
    run (a NUL, bidi controls, too long) is a 400 with the reason, never a query."""

    q = UserTextField(required=False, max_length=SEARCH_MAX, label="Search")
    category = UserTextField(required=False, max_length=60)
    page = PageField()
