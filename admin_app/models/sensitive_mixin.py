"""Columns for an ID-document number kept encrypted, hashed for lookup and masked for display."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .. import sensitive


class SensitiveIdNumber:
    id_number_enc: Mapped[str | None] = mapped_column(Text, nullable=True)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(32), nullable=True)

    @property
    def id_number(self) -> str | None:
        return sensitive.decrypt(self.id_number_enc)

    @id_number.setter
    def id_number(self, value: str | None) -> None:
        value = sensitive.normalise_id_number(value)
        if not value:
            self.id_number_enc = self.id_number_hash = self.id_number_masked = None
            return
        self.id_number_enc = sensitive.encrypt(value)
        self.id_number_hash = sensitive.lookup_hash(value)
        self.id_number_masked = sensitive.mask(value)
