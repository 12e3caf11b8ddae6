from odoo import api, models

from odoo.addons.cs_archive.models.helpdesk_ticket import _dt, _ref

from .backfill import archive_missing, cron_auto_commit
from .survey_user_input import _customer, _ticket

PAYLOAD_SCHEMA = "cs_archive_survey.callback/1"


class CsCallback(models.Model):
    _inherit = "cs.callback"

    def action_done(self):
        res = super().action_done()  # checks the caller and records the outcome
        # sudo: the archive snapshots the callback the caller just recorded;
        # nothing is returned to the caller
        self.sudo()._cs_archive()
        return res

    # ------------------------------------------------------------------ archiving
    def _cs_archive(self):
        """Write one archive entry per done callback; callbacks already
        archived are skipped (the hook may run twice)."""
        Entry = self.env["cs.archive.entry"]
        callbacks = self.filtered(lambda c: c.state == "done")
        if not callbacks:
            return Entry
        self.env.cr.execute(
            "SELECT res_id FROM cs_archive_entry WHERE res_model = %s AND res_id IN %s",
            [self._name, tuple(callbacks.ids)],
        )
        done = {row[0] for row in self.env.cr.fetchall()}
        callbacks = callbacks.filtered(lambda c: c.id not in done)
        items = []
        for callback in callbacks:
            payload = callback._cs_archive_payload()
            items.append(
                {
                    "entry_type": "callback",
                    "partner": callback.partner_id,
                    "company": callback.company_id,
                    "source": callback,
                    "payload": payload,
                    "rendering_html": callback._cs_archive_render(payload),
                    # the agent the call was assigned to and the one who made it
                    "first_owner": callback.user_id,
                    "handler": callback.done_user_id,
                    "name": self.env._(
                        "Callback (%(reason)s): %(customer)s",
                        reason=payload["reason_label"],
                        customer=callback.partner_id.display_name,
                    ),
                }
            )
        return Entry._archive_many(items)

    def _cs_archive_payload(self):
        """The frozen outcome of this callback (no query of its own beyond the
        prefetch of its relations)."""
        self.ensure_one()

        def label(fname):
            return dict(self._fields[fname]._description_selection(self.env)).get(
                self[fname]
            )

        return {
            "schema": PAYLOAD_SCHEMA,
            "callback_id": self.id,
            "customer": _customer(self.partner_id),
            "reason": self.reason,
            "reason_label": label("reason"),
            "period_key": self.period_key or None,
            "due_date": str(self.due_date) if self.due_date else None,
            "done_date": _dt(self.done_date),
            "assigned_to": _ref(self.user_id),
            "called_by": _ref(self.done_user_id),
            "reached": bool(self.reached),
            "satisfied": self.satisfied or None,
            "satisfied_label": label("satisfied") if self.satisfied else None,
            "comments": self.comments or None,
            "ticket": _ticket(self.ticket_id),
            "confirmed_ticket": bool(self.confirmed_ticket),
        }

    def _cs_archive_render(self, payload):
        """Readable version: a Markup built from escaped values only."""
        self.ensure_one()
        ticket = payload["ticket"] or {}
        sections = [
            (
                self.env._("Callback"),
                [
                    (self.env._("Customer"), (payload["customer"] or {}).get("name")),
                    (self.env._("Reason"), payload["reason_label"]),
                    (self.env._("Due on"), payload["due_date"]),
                    (self.env._("Done on"), payload["done_date"]),
                    (self.env._("Assigned to"), payload["assigned_to"]),
                    (self.env._("Called by"), payload["called_by"]),
                    (self.env._("Customer reached"), payload["reached"]),
                    (self.env._("Satisfied"), payload["satisfied_label"]),
                    (self.env._("Comments"), payload["comments"]),
                    (self.env._("Ticket"), ticket.get("number")),
                    (self.env._("Ticket title"), ticket.get("title")),
                    (
                        self.env._("Confirmed the ticket's satisfaction"),
                        payload["confirmed_ticket"],
                    ),
                ],
            )
        ]
        title = self.env._(
            "Callback (%(reason)s): %(customer)s",
            reason=payload["reason_label"],
            customer=(payload["customer"] or {}).get("name") or "-",
        )
        return self.env["cs.archive.entry"]._cs_render_sections(title, sections)

    # ------------------------------------------------------------------ backfill
    @api.model
    def _cs_archive_backfill(self, batch_size=500, auto_commit=False):
        """Archive the done callbacks that have no entry yet (in batches, keyset
        pagination on the id). Returns the number archived."""
        self.flush_model(["state"])
        return archive_missing(
            self,
            """
            SELECT c.id FROM cs_callback c
             WHERE c.id > %s AND c.state = 'done'
               AND NOT EXISTS (
                   SELECT 1 FROM cs_archive_entry e
                    WHERE e.res_model = 'cs.callback' AND e.res_id = c.id)
             ORDER BY c.id
             LIMIT %s
            """,
            batch_size,
            auto_commit,
        )

    @api.model
    def _cron_cs_archive_missing(self, batch_size=500, auto_commit=None):
        """Completeness job (R26): archive the callbacks that have no entry yet,
        committing per batch; safe when two cron workers run it at once (the chain
        head lock serialises them, the loser retries its batch)."""
        return self._cs_archive_backfill(
            batch_size=batch_size, auto_commit=cron_auto_commit(auto_commit)
        )
