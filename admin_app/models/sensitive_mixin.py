"""Columns for an ID-document number kept encrypted, hashed for lookup and masked for display."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from admin_app import sensitive


class SensitiveIdNumber:
    id_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(32), nullable=True)

    @property
    def id_number(self) -> str | None:
        return sensitive.decrypt(self.id_number_enc)

    @id_number.setter
    def id_number(self, value: str | None) -> None:
        for column, stored in self.id_number_columns(value).items():
            setattr(self, column, stored)

    @staticmethod
    def id_number_columns(value: str | None) -> dict[str, str | None]:
        """The three stored columns for a number; bulk writers (the import) use them directly."""
        return SensitiveIdNumber.id_number_encoder()(value)

    @staticmethod
    def id_number_encoder():
        """`id_number_columns` for many numbers: the keys are fetched once."""
        encrypt, lookup_hash = sensitive.encrypter(), sensitive.lookup_hasher()

        def columns(value: str | None, hashed: str | None = None) -> dict[str, str | None]:
            """`hashed`: the number's lookup hash when the caller has already computed it."""
            value = sensitive.normalise_id_number(value)
            if not value:
                return {"id_number_enc": None, "id_number_hash": None, "id_number_masked": None}
            return {
                "id_number_enc": encrypt(value),
                "id_number_hash": hashed or lookup_hash(value),
                "id_number_masked": sensitive.mask(value),
            }

        return columns
