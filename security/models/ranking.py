from django.db import models


class RankedSystem(models.Model):
    """The fusion ranking of every system in service, as a background task last computed it
    (``security.ranking``): the page shows the systems of the user's scope in this order."""

    system = models.OneToOneField("inventory.System", on_delete=models.CASCADE, primary_key=True, related_name="+")
    position = models.PositiveIntegerField()  # 0-based, highest score first, ties by system code
    score = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["position"], name="security_ranked_position")]

    def __str__(self) -> str:
        return f"{self.position}: {self.system_id}"
