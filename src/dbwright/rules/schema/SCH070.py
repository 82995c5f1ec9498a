"""SCH070: Tenant-scoped table without row-level security."""

from __future__ import annotations

from collections.abc import Iterator

from dbwright.model import Finding, Severity
from dbwright.rules.base import register
from dbwright.rules.schema._util import SchemaFacts, SchemaRule, q, qt


@register
class TenantTableWithoutRls(SchemaRule):
    """Tenant-scoped table without row-level security.

    ## What it does
    Flags PostgreSQL tables with a tenant column (`tenant_id`, `org_id`, `organization_id`, `account_id`, `workspace_id`, `company_id`, `customer_id` when a tenant table of that name exists) whose row-level security is off, when at least one table of the database is tenant-scoped.

    ## Why it matters
    Isolation then rests on every query remembering `WHERE tenant_id = …`; one forgotten filter (a report, an admin endpoint, an ORM relation) leaks another tenant's rows. RLS makes the database enforce it for every query of the application role.

    ## Known problems
    RLS does not apply to table owners and superusers unless FORCE is set; a schema-per-tenant or database-per-tenant design needs no RLS. The column-name heuristic can misfire (`account_id` of a bank account).

    ## Example
    ```sql
    CREATE TABLE invoice (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, total numeric);
    ```

    ## Use instead
    ```sql
    ALTER TABLE invoice ENABLE ROW LEVEL SECURITY;
    CREATE POLICY invoice_tenant ON invoice USING (tenant_id = current_setting('app.tenant_id')::bigint);
    ```

    ## References
    Supabase splinter 0013 rls_disabled_in_public
    https://www.postgresql.org/docs/current/ddl-rowsecurity.html
    """

    code = "SCH070"
    name = "schema.tenant_table_without_rls"
    severity = Severity.WARNING
    needs = ('postgresql',)

    def check(self, facts: SchemaFacts) -> Iterator[Finding]:
        tenant_cols = ("tenant_id", "org_id", "organization_id", "workspace_id", "company_id", "account_id")
        scoped = []
        for t in facts.tables():
            col = next((c.name for c in t.columns if c.name.lower() in tenant_cols), None)
            if col is not None:
                scoped.append((t, col))
        if len(scoped) < 2:
            return  # one table with such a column is not a tenancy model
        for t, col in scoped:
            if not t.rls_enabled:
                yield self.at(facts, f"{t.key} is scoped by {col} but row-level security is off", t, col,
                              remediation="enable RLS with a policy on the tenant column (and FORCE it if the app owns tables)",
                              fix=f"ALTER TABLE {qt(facts, t)} ENABLE ROW LEVEL SECURITY;\n"
                                  f"CREATE POLICY {q(facts, t.name + '_tenant')} ON {qt(facts, t)} USING "
                                  f"({q(facts, col)} = current_setting('app.{col}')::{getattr(t.column(col), 'type', 'bigint')});")
