from odoo import api, models
from odoo.tools import SQL

PAYLOAD_SCHEMA = "cs_archive_survey.callback/1"

# an extension of cs.callback (the name repeated: two parents)
CALLBACK = "cs.callback"


class CsCallback(models.Model):
    """Done callbacks are archived for the customer (cs.archivable.mixin)."""

    _name = CALLBACK
    _inherit = [CALLBACK, "cs.archivable.mixin"]

    _cs_archive_entry_type = "callback"
    _cs_archive_template = "cs_archive_survey.rendering_callback"
    _cs_archive_reason = "done"

    def action_done(self):
        res = super().action_done()  # checks the caller and records the outcome
        # sudo: the archive snapshots the callback the caller just recorded;
        # nothing is returned to the caller
        self.sudo()._cs_archive()
        return res

    # ------------------------------------------------------------------ archivable
    def _cs_archivable(self):
        return self.filtered(lambda c: c.state == "done")

    def _cs_archive_item(self, payload):
        self.ensure_one()
        return {
            "partner": self.partner_id,
            "company": self.company_id,
            # the agent the call was assigned to and the one who made it
            "first_owner": self.user_id,
            "handler": self.done_user_id,
            "name": self.env._(
                "Callback (%(reason)s): %(customer)s",
                reason=payload["reason_label"],
                customer=self.partner_id.display_name,
            ),
        }

    def _cs_archive_payloads(self, reason=None):
        return {callback.id: callback._cs_archive_payload() for callback in self}

    @api.model
    def _cs_archive_missing_sql(self):
        return (
            SQL("cs_callback x"),
            SQL(
                """
                x.state = 'done' AND NOT EXISTS (
                    SELECT 1 FROM cs_archive_entry e
                     WHERE e.res_model = 'cs.callback' AND e.res_id = x.id)
                """
            ),
        )

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
            "customer": self._cs_archive_partner(self.partner_id),
            "reason": self.reason,
            "reason_label": label("reason"),
            "period_key": self.period_key or None,
            "due_date": str(self.due_date) if self.due_date else None,
            "done_date": self._cs_archive_dt(self.done_date),
            "assigned_to": self._cs_archive_ref(self.user_id),
            "called_by": self._cs_archive_ref(self.done_user_id),
            "reached": bool(self.reached),
            "satisfied": self.satisfied or None,
            "satisfied_label": label("satisfied") if self.satisfied else None,
            "comments": self.comments or None,
            "ticket": self._cs_archive_ticket_ref(self.ticket_id),
            "confirmed_ticket": bool(self.confirmed_ticket),
        }

    # ------------------------------------------------------------------ backfill
    @api.model
    def _cs_archive_backfill(self, batch_size=500):
        """Archive the done callbacks that have no entry yet (in batches). Returns
        the number archived."""
        return self._cs_archive_missing(batch_size=batch_size)[0]
