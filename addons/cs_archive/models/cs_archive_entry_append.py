import json
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_sanitize

from .cs_archive_hashing import (
    canonical_json,
    chain_input,
    field_hashes,
    sha256_hex,
    subject_hash,
)


class CsArchiveEntry(models.Model):
    """Appending to the chain: the one path that creates archive entries."""

    _inherit = "cs.archive.entry"

    @api.model
    def _archive(
        self,
        entry_type,
        partner,
        company,
        source,
        payload,
        rendering_html=None,
        *,
        source_round=1,
        first_owner=None,
        handler=None,
        name=None,
    ):
        """Archive one snapshot (models that are archived in their own right use
        ``cs.archivable.mixin``, which calls :meth:`_archive_many`):

        ``entry_type`` a code (``"survey"``) or a ``cs.archive.entry.type``;
        ``partner`` the customer; ``company`` whose chain; ``source`` the record
        archived; ``payload`` a JSON-serialisable dict (top-level keys are the
        "fields" the integrity check names); ``rendering_html`` the readable
        version (sanitised; a generic QWeb rendering of the payload when
        omitted)."""
        return self._archive_many(
            [
                {
                    "entry_type": entry_type,
                    "partner": partner,
                    "company": company,
                    "source": source,
                    "payload": payload,
                    "rendering_html": rendering_html,
                    "source_round": source_round,
                    "first_owner": first_owner,
                    "handler": handler,
                    "name": name,
                }
            ]
        )

    @api.model
    def _archive_many(self, items):
        """Archive several snapshots: one chain-head lock per company, one INSERT."""
        if not items:
            return self.browse()
        Type = self.env["cs.archive.entry.type"]
        Users = self.env["res.users"]
        types = {}
        now = fields.Datetime.now()
        prepared = defaultdict(list)
        for item in items:
            entry_type = item["entry_type"]
            if isinstance(entry_type, str):
                if entry_type not in types:
                    types[entry_type] = Type._get_by_code(entry_type)
                entry_type = types[entry_type]
            # sudo: the retention period is configuration read by the archive
            entry_type = entry_type.sudo()
            source = item["source"]
            payload = item["payload"]
            if not isinstance(payload, dict) or not payload:
                raise UserError(self.env._("An archive payload is a non-empty dict."))
            content_json = canonical_json(payload)
            payload = json.loads(content_json)  # what is stored is what is hashed
            rendering = item.get("rendering_html")
            if rendering and not isinstance(rendering, Markup):
                rendering = html_sanitize(rendering)
            elif not rendering:
                rendering = self._cs_render_generic(entry_type.name, payload)
            partner = item.get("partner")
            name = item.get("name") or source.display_name
            columns = {
                "company_id": item["company"].id,
                "entry_type_id": entry_type.id,
                "archive_date": fields.Datetime.to_string(now),
                "retention_years": entry_type.retention_years,
                "res_model": source._name,
                "res_id": source.id,
                "source_round": item.get("source_round") or 1,
                "first_owner_id": (item.get("first_owner") or Users).id or None,
                "handler_id": (item.get("handler") or Users).id or None,
                "archived_by_id": self.env.uid,
            }
            prepared[columns["company_id"]].append(
                (columns, payload, content_json, str(rendering), partner, name)
            )
        heads = self.env["cs.archive.chain"]._lock_heads(list(prepared))
        vals_list, new_heads = [], {}
        for company_id, rows in prepared.items():
            sequence, prev_hash = heads[company_id]
            for columns, payload, content_json, rendering, partner, name in rows:
                sequence += 1
                columns["sequence"] = sequence
                content_hash = sha256_hex(content_json)
                rendering_hash = sha256_hex(rendering)
                subj = subject_hash(partner.id if partner else None, name)
                chain_hash = sha256_hex(
                    chain_input(prev_hash, columns, content_hash, rendering_hash, subj)
                )
                vals_list.append(
                    dict(
                        columns,
                        name=name,
                        partner_id=partner.id if partner else False,
                        content_json=content_json,
                        content_html=rendering,
                        content_hash=content_hash,
                        rendering_hash=rendering_hash,
                        subject_hash=subj,
                        prev_hash=prev_hash,
                        chain_hash=chain_hash,
                        field_hashes=canonical_json(
                            field_hashes(
                                payload, columns, partner.id if partner else None, name
                            )
                        ),
                    )
                )
                prev_hash = chain_hash
            new_heads[company_id] = (sequence, prev_hash)
        # sudo: the archive appends on behalf of the workflow that called it; the
        # grant (cs.workflow.mixin) opens the create guard for this block only
        entries = self.sudo()._cs_workflow_create(vals_list)
        self.env.cr.execute(
            """
            UPDATE cs_archive_chain c SET last_sequence = v.seq, last_hash = v.hash
              FROM unnest(%s::int[], %s::int[], %s::varchar[]) AS v(company, seq, hash)
             WHERE c.company_id = v.company
            """,
            [
                list(new_heads),
                [v[0] for v in new_heads.values()],
                [v[1] for v in new_heads.values()],
            ],
        )
        return entries.with_env(self.env)

    # ------------------------------------------------------------------ rendering
    @api.model
    def _cs_render(self, template, values):
        """Render a QWeb template of the archive server side (ir.qweb): escaped
        values, except Markup (HTML the ORM sanitised when it was written)."""
        env = self.env

        def label(model, fname, value):
            """The label of a selection value, in the renderer's language."""
            field = env[model]._fields[fname]
            return dict(field._description_selection(env)).get(value, value)

        def kind(value):
            if isinstance(value, dict):
                return "dict"
            return "list" if isinstance(value, list) else "scalar"

        values = dict(
            values,
            fmt=self._cs_render_value,
            scalar=lambda v: "-" if v in (None, False, "") else str(v),
            kind=kind,
            keys=sorted,
            selection_label=label,
            Markup=Markup,
        )
        return Markup(self.env["ir.qweb"]._render(template, values))

    @api.model
    def _cs_render_generic(self, title, payload):
        """A readable rendering of any payload: nested definition lists."""
        return self._cs_render(
            "cs_archive.rendering_generic", {"title": title, "payload": payload}
        )

    @api.model
    def _cs_render_value(self, value):
        """How a scalar of a payload reads in a rendering."""
        if isinstance(value, Markup):
            return value
        if value in (None, False, ""):
            return "-"
        if value is True:
            return "✓"
        if isinstance(value, dict):
            return value.get("name") or value.get("id") or "-"
        if isinstance(value, list):
            return ", ".join(str(self._cs_render_value(v)) for v in value) or "-"
        return str(value)
