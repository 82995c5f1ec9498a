"""SCH079: Secret stored as plain text (password, card number, national id)."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, is_text, words


@register
class SensitiveColumnPlaintext(SchemaRule):
    """Secret stored as plain text (password, card number, national id).

    ## What it does
    Flags text columns whose names say they hold secrets or regulated identifiers — `password`, `passwd`, `pwd`, `secret`, `api_key`, `token`, `card_number`/`pan`, `cvv`, `ssn` — unless the name says it is a hash or encrypted (`*_hash`, `*_digest`, `*_encrypted`).

    ## Why it matters
    A dump, a replica, a log of a slow query or a support screenshot then discloses them. Passwords must be stored as slow salted hashes; card data falls under PCI DSS (CVV may never be stored).

    ## Known problems
    Name-based: a column named `token` may hold a non-secret; an already hashed value in a column named `password` is flagged (rename it).

    ## Example
    ```sql
    CREATE TABLE app_user (email text, password varchar(64));
    ```

    ## Use instead
    ```sql
    ALTER TABLE app_user RENAME COLUMN password TO password_hash;  -- store argon2/bcrypt hashes only
    ```

    ## References
    Supabase splinter 0023 sensitive_columns_exposed
    https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
    PCI DSS v4.0 requirement 3.3 (sensitive authentication data)
    """

    code = "SCH079"
    name = "schema.sensitive_column_plaintext"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        secret = {"password", "passwd", "pwd", "secret", "apikey", "api_key", "token", "access_token", "refresh_token",
                  "card_number", "cardnumber", "pan", "cvv", "cvc", "ssn", "social_security_number", "private_key"}
        safe = ("hash", "digest", "encrypted", "enc", "hashed", "salt", "bcrypt", "argon", "expires", "type", "hint")
        for t in facts.tables():
            for col in t.columns:
                low = "_".join(words(col.name))
                w = set(words(col.name))
                if not is_text(col) or w & set(safe):
                    continue
                if low in secret or (w & {"password", "passwd", "ssn", "cvv"}):
                    yield self.at(facts, f"{t.key}.{col.name} looks like a secret stored as {col.type}", t, col.name,
                                  remediation="store a salted slow hash (passwords) or encrypt it; never store CVV")
