import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .cs_resolution import RECONCILE_TYPES

_logger = logging.getLogger(__name__)


class CsResolution(models.Model):
    """Three-way reconciliation (R15): approved vs received vs credited, refreshed
    set-based in SQL; the finance manager's logged override."""

    _inherit = "cs.resolution"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ reconciliation
    def _cs_refresh_reconciliation(self, all_records=False):
        """Three-way reconciliation (approved vs received vs credited) of these
        proposals (or all), in one set-based SQL statement."""
        if not all_records and not self.ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH r AS (
                SELECT id, state, resolution_type, approved_amount,
                       COALESCE(currency_id, 0) AS currency_id
                  FROM cs_resolution
                 WHERE %(all)s OR id = ANY(%(ids)s)
            ), aq AS (
                SELECT l.resolution_id AS rid, SUM(l.quantity) AS qty
                  FROM cs_resolution_line l JOIN r ON r.id = l.resolution_id
                 GROUP BY l.resolution_id
            ), pk AS (
                SELECT p.cs_resolution_id AS rid,
                       COUNT(*) AS n,
                       BOOL_OR(p.state NOT IN ('done', 'cancel')) AS open
                  FROM stock_picking p JOIN r ON r.id = p.cs_resolution_id
                 GROUP BY p.cs_resolution_id
            ), rq AS (
                SELECT p.cs_resolution_id AS rid,
                       SUM(m.quantity / mu.factor * pu.factor) AS qty
                  FROM stock_move m
                  JOIN stock_picking p ON p.id = m.picking_id
                  JOIN r ON r.id = p.cs_resolution_id
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE m.state = 'done'
                 GROUP BY p.cs_resolution_id
            ), cr AS (
                SELECT m.cs_resolution_id AS rid,
                       SUM(CASE WHEN m.state = 'posted' THEN m.amount_total ELSE 0 END)
                           AS posted,
                       SUM(CASE WHEN m.state = 'draft' THEN m.amount_total ELSE 0 END)
                           AS draft
                  FROM account_move m JOIN r ON r.id = m.cs_resolution_id
                 WHERE m.move_type = 'out_refund'
                 GROUP BY m.cs_resolution_id
            ), calc AS (
                SELECT r.id, r.state, r.approved_amount AS amt,
                       r.resolution_type IN ('return', 'reprocess') AS needs_return,
                       r.resolution_type IN ('compensation', 'discount', 'return')
                           AS needs_credit,
                       COALESCE(aq.qty, 0) AS aqty,
                       COALESCE(rq.qty, 0) AS rqty,
                       COALESCE(cr.posted, 0) AS posted,
                       COALESCE(cr.draft, 0) AS draft,
                       COALESCE(pk.n, 0) AS npick,
                       COALESCE(pk.open, FALSE) AS open_pick,
                       r.resolution_type IN %(types)s AS applies
                  FROM r
                  LEFT JOIN aq ON aq.rid = r.id
                  LEFT JOIN rq ON rq.rid = r.id
                  LEFT JOIN cr ON cr.rid = r.id
                  LEFT JOIN pk ON pk.rid = r.id
            ), res AS (
                SELECT id, aqty, rqty, posted, draft,
                  CASE
                    WHEN state != 'approved' OR NOT applies THEN NULL
                    WHEN needs_return AND rqty > aqty + 0.00001 THEN 'received_more'
                    WHEN needs_credit AND posted > amt + 0.005 THEN 'credited_more'
                    WHEN needs_return AND needs_credit AND posted > 0
                         AND rqty < aqty - 0.00001 THEN 'credited_before_receipt'
                    WHEN needs_return AND npick > 0 AND NOT open_pick
                         AND rqty < aqty - 0.00001 THEN 'received_less'
                    WHEN needs_credit AND posted > 0 AND posted < amt - 0.005
                         AND draft = 0 THEN 'credited_less'
                  END AS reason,
                  CASE
                    WHEN state != 'approved' OR NOT applies THEN 'none'
                    WHEN (NOT needs_return OR ABS(rqty - aqty) <= 0.00001)
                     AND (NOT needs_credit OR ABS(posted - amt) <= 0.005) THEN 'matched'
                    ELSE 'pending'
                  END AS base_state
                  FROM calc
            )
            UPDATE cs_resolution c
               SET approved_qty = res.aqty,
                   received_qty = res.rqty,
                   credited_amount = res.posted,
                   draft_credit_amount = res.draft,
                   reconcile_reason = res.reason,
                   reconcile_state = CASE WHEN res.reason IS NOT NULL THEN 'mismatch'
                                          ELSE res.base_state END
              FROM res
             WHERE c.id = res.id
               AND (c.approved_qty IS DISTINCT FROM res.aqty
                    OR c.received_qty IS DISTINCT FROM res.rqty
                    OR c.credited_amount IS DISTINCT FROM res.posted
                    OR c.draft_credit_amount IS DISTINCT FROM res.draft
                    OR c.reconcile_reason IS DISTINCT FROM res.reason
                    OR c.reconcile_state IS DISTINCT FROM
                       CASE WHEN res.reason IS NOT NULL THEN 'mismatch'
                            ELSE res.base_state END)
            """,
            {
                "all": bool(all_records),
                "ids": self.ids,
                "types": RECONCILE_TYPES,
            },
        )
        self.env["cs.resolution"].invalidate_model(
            [
                "approved_qty",
                "received_qty",
                "credited_amount",
                "draft_credit_amount",
                "reconcile_reason",
                "reconcile_state",
            ]
        )

    def _cs_finance_override(self, reason):
        """A finance manager allows posting a return-related credit note before the
        goods are fully received, with a logged reason."""
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only a finance manager can override the reconciliation.")
            )
        if not (reason or "").strip():
            raise ValidationError(self.env._("Give the reason for the override."))
        for rec in self:
            rec._cs_res_write(
                {
                    "reconcile_override": True,
                    "reconcile_override_reason": reason,
                    "reconcile_override_user_id": self.env.uid,
                    "reconcile_override_date": fields.Datetime.now(),
                }
            )
            rec._cs_log(
                body=self.env._(
                    "Finance override by %(user)s: the credit note may be posted "
                    "before the goods are received. Reason: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        return True

    def action_finance_override(self):
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only a finance manager can override the reconciliation.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override the reconciliation"),
            "res_model": "cs.reconcile.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_resolution_id": self.id},
        }

    def action_view_credit_notes(self):
        self.check_access("read")  # opens nothing the caller cannot read
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit notes"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("cs_resolution_id", "=", self.id)],
        }

    def action_view_returns(self):
        self.check_access("read")  # opens nothing the caller cannot read
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Returns"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("cs_resolution_id", "=", self.id)],
        }

    def _cs_demo_approve(self, user_xmlid):
        """Demo data only: the reviewer ``user_xmlid`` approves (private, not RPC)."""
        user = self.env.ref(user_xmlid)
        for rec in self:
            rec.with_user(user).validate_tier()

    @api.model
    def _cron_refresh_reconciliation(self):
        """Daily: one set-based statement for every proposal (idempotent: rows
        already right are not touched); the cron commits when the job returns."""
        self._cs_refresh_reconciliation(all_records=True)
        done = self.search_count([("reconcile_state", "!=", "none")])
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        _logger.info("cs_resolution: reconciliation refreshed (%s proposals)", done)
