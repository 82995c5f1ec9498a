"""SCH031: Money stored as floating point or in PostgreSQL's money type."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, money_name, q, qt


@register
class MoneyAsFloatOrMoneyType(SchemaRule):
    """Money stored as floating point or in PostgreSQL's money type.

    ## What it does
    Flags `real`/`double precision`/`float` columns whose names say they hold amounts (price, amount, cost, total, balance, salary, fee, tax, …), and every PostgreSQL `money` column.

    ## Why it matters
    Binary floating point cannot represent 0.10 exactly: sums drift by cents and equality tests fail. PostgreSQL's `money` depends on the `lc_monetary` setting (a restore under another locale changes the values' meaning), has a fixed scale and no currency.

    ## Known problems
    Scientific measurements named `amount` are not money; the name heuristic can misfire.

    ## Example
    ```sql
    CREATE TABLE product (unit_price real);
    ```

    ## Use instead
    ```sql
    ALTER TABLE product ALTER COLUMN unit_price TYPE numeric(19,4);  -- plus a currency column when there are several
    ```

    ## References
    https://wiki.postgresql.org/wiki/Don%27t_Do_This#Don.27t_use_money
    https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-FLOAT
    """

    code = "SCH031"
    name = "schema.money_as_float"
    severity = Severity.WARNING

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        for t in facts.tables():
            for col in t.columns:
                typ = col.type.lower().split("(")[0].strip()
                is_float = typ in ("real", "double precision", "float", "double", "float4", "float8")
                if typ == "money" or (is_float and money_name(col.name)):
                    what = "PostgreSQL's money type" if typ == "money" else f"floating point ({col.type})"
                    yield self.at(facts, f"{t.key}.{col.name} holds money as {what}", t, col.name,
                                  remediation="use numeric(19,4) (decimal), with a currency column if there are several",
                                  fix=f"ALTER TABLE {qt(facts, t)} ALTER COLUMN {q(facts, col.name)} TYPE numeric(19,4);"
                                  if facts.pg else f"ALTER TABLE {qt(facts, t)} MODIFY {q(facts, col.name)} DECIMAL(19,4);"
                                  if facts.mysql else "")
