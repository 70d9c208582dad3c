"""The shared glossary: one definition of each term, owned by one team."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from qualification.models.choices import Team, values_sql


class GlossaryTerm(models.Model):
    term = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    definition = models.TextField()
    owner_team = models.CharField(max_length=10, choices=Team.choices)
    examples = models.TextField(blank=True, help_text="One example per line.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner_team__in=values_sql(Team)),
                name="glossary_owner_team_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(definition=""), name="glossary_definition_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("glossary-detail", kwargs={"slug": self.slug})

    @property
    def example_list(self) -> list[str]:
        return [line.strip() for line in self.examples.splitlines() if line.strip()]
