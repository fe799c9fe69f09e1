from rest_framework import serializers

MAX_ID = 2**63 - 1  # bigint: larger ids cannot exist, and some drivers cannot even bind them


class IdField(serializers.IntegerField):
    """A reference to a row by its id: a positive bigint."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
