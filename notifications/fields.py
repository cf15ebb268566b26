"""Model fields of the notifications app."""

from django.db import models

from notifications import encryption


class EncryptedJSONField(models.TextField):
    """A dict in Python, one Fernet token in the database (see encryption.py).

    Tokens differ on every save, so the column cannot be filtered on; nothing needs
    to. Serialised (dumpdata) as the token too, never as plain text.
    """

    def from_db_value(self, value, expression, connection):
        return None if value is None else encryption.decrypt(value)

    def to_python(self, value):
        if value is None or isinstance(value, dict):
            return value
        return encryption.decrypt(value)

    def get_prep_value(self, value):
        return None if value is None else encryption.encrypt(value)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))


class EncryptedTextField(models.TextField):
    """A string in Python, one Fernet token in the database: for a single secret, such
    as an outgoing webhook's signing key. Same rules as EncryptedJSONField."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else encryption.decrypt(value)["value"]

    def get_prep_value(self, value):
        return None if value is None else encryption.encrypt({"value": str(value)})

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))
