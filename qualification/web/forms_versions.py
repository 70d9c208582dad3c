"""Forms of the criteria governance pages: a new draft's title, a publication's note.

They only parse and give inline errors; the governance services hold the rules (who may
draft or publish, a stale draft, an invalid one), and their refusals are put back on the
form so the person keeps what they typed.
"""

from __future__ import annotations

from django import forms


class DraftCreateForm(forms.Form):
    """A draft is known by its title in lists and the changelog, so it must say something."""

    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the draft a title that says what it changes."},
        help_text="What the change is about, e.g. “Weigh demo requests higher”.",
        widget=forms.TextInput(attrs={"placeholder": "What this change is about"}),
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the draft a title that says what it changes.")
        return title


class PublishForm(forms.Form):
    """Sales read the note in the changelog: a publication without a reason is refused."""

    note = forms.CharField(
        label="Why publish this? (shown to sales in the changelog)",
        max_length=4000,
        error_messages={"required": "Say why in the note: sales read it in the changelog."},
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "e.g. Demo requests convert twice as often."}
        ),
    )

    def __init__(self, *args, autofocus: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if autofocus:
            self.fields["note"].widget.attrs["autofocus"] = True

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError("Say why in the note: sales read it in the changelog.")
        return note
