import xmlrpc.client
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common_crm import CsCrmCommon


class SalesCommon(CsCrmCommon):
    def _notified(self, user, record, text):
        """Messages on record notified to user's partner containing text."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("partner_ids", "in", user.partner_id.ids),
            ]
        )
        return messages.filtered(lambda m: text in str(m.body))

    def _callback(self, partner, ticket=None):
        return (
            self.env["cs.callback"]
            .sudo()
            ._cs_workflow_create(
                [
                    {
                        "partner_id": partner.id,
                        "ticket_id": ticket and ticket.id,
                        "reason": "key_customer",
                        "period_key": f"test-{partner.id}",
                        "due_date": fields.Date.today(),
                        "company_id": self.company.id,
                    }
                ]
            )
            .with_env(self.env)
        )


@tagged("post_install", "-at_install")
class TestSalesVisibility(SalesCommon):
    def test_salesperson_sees_own_customers_only(self):
        ticket_a = self._complaint_of(self.customer_a)
        ticket_b = self._complaint_of(self.customer_b)
        Ticket = self.env["helpdesk.ticket"]
        both = [("id", "in", (ticket_a | ticket_b).ids)]
        self.assertEqual(Ticket.with_user(self.sales_a1).search(both), ticket_a)
        self.assertEqual(Ticket.with_user(self.sales_b1).search(both), ticket_b)
        # a leader sees the team's
        self.assertEqual(Ticket.with_user(self.lead_a).search(both), ticket_a)
        with self.assertRaises(AccessError):
            ticket_b.with_user(self.sales_a1).read(["name"])
        # read only
        with self.assertRaises(AccessError):
            ticket_a.with_user(self.sales_a1).write({"name": "changed"})
        with self.assertRaises(AccessError):
            ticket_a.with_user(self.lead_a).write({"name": "changed"})
        with self.assertRaises(AccessError):
            ticket_a.with_user(self.sales_a1).unlink()
        with self.assertRaises(AccessError):
            Ticket.with_user(self.sales_a1).create(
                self._ticket_vals(partner_id=self.customer_a.id)
            )

    def test_other_company_ticket_hidden(self):
        ticket = self.Ticket.with_user(self.agent_other_co).create(
            self._ticket_vals(
                team_id=self.team_other_co.id,
                partner_id=self.customer_a.id,
                company_id=self.company2.id,
            )
        )
        self.assertEqual(ticket.cs_salesperson_id, self.sales_a1)
        self.assertFalse(
            self.env["helpdesk.ticket"]
            .with_user(self.sales_a1)
            .search([("id", "=", ticket.id)])
        )

    def test_proposal_outcome_not_internal_form(self):
        proposal = self._proposal_of(self.customer_a, amount=400.0)
        ticket = proposal.ticket_id
        # the salesperson never reads the internal form nor its reviews
        with self.assertRaises(AccessError):
            proposal.with_user(self.sales_a1).read(["facts"])
        proposal.with_user(self.agent1).action_submit()
        reviews = self.env["tier.review"].with_user(self.sales_a1)
        self.assertFalse(reviews.search([("res_id", "=", proposal.id)]))
        outcome = ticket.with_user(self.sales_a1).cs_sales_outcome
        self.assertIn(proposal.name, outcome)
        self.assertIn("Under approval", outcome)
        self.assertNotIn("Leaking seal", outcome)
        proposal.with_user(self.lead_a).validate_tier()
        ticket.invalidate_recordset()
        outcome = ticket.with_user(self.sales_a1).cs_sales_outcome
        self.assertIn("Approved", outcome)
        self.assertIn("400.0", outcome)
        # the leader reads the form of the team's proposals, writes nothing
        self.assertEqual(proposal.with_user(self.lead_a).facts, "Leaking seal")
        with self.assertRaises(AccessError):
            proposal.with_user(self.lead_a).write({"customer_message": "x"})
        with self.assertRaises(AccessError):
            proposal.with_user(self.lead_a).action_notify_customer()
        with self.assertRaises(AccessError):
            proposal.review_ids.with_user(self.sales_a1).write({"status": "pending"})

    def test_callbacks_of_own_customers(self):
        cb_a = self._callback(self.customer_a)
        cb_b = self._callback(self.customer_b)
        Callback = self.env["cs.callback"]
        domain = [("id", "in", (cb_a | cb_b).ids)]
        self.assertEqual(Callback.with_user(self.sales_a1).search(domain), cb_a)
        self.assertEqual(Callback.with_user(self.lead_b).search(domain), cb_b)
        with self.assertRaises(AccessError):
            cb_a.with_user(self.sales_a1).write({"comments": "promised a refund"})
        with self.assertRaises(AccessError):
            cb_a.with_user(self.sales_a1).action_done()

    def test_sales_action_on_customer_and_opportunity(self):
        ticket = self._complaint_of(self.customer_a)
        action = self.customer_a.with_user(self.sales_a1).action_cs_sales_complaints()
        found = (
            self.env["helpdesk.ticket"]
            .with_user(self.sales_a1)
            .search(action["domain"])
        )
        self.assertIn(ticket, found)
        lead = self.env["crm.lead"].create(
            {
                "name": "Kettles 2027",
                "type": "opportunity",
                "partner_id": self.customer_a.id,
                "user_id": self.sales_a1.id,
            }
        )
        action = lead.with_user(self.sales_a1).action_cs_sales_complaints()
        self.assertEqual(action["domain"][0][2], self.customer_a.ids)


@tagged("post_install", "-at_install")
class TestSalesNotifications(SalesCommon):
    def test_complaint_opened(self):
        ticket = self._complaint_of(self.customer_a)
        self.assertTrue(self._notified(self.sales_a1, ticket, "opened a complaint"))
        self.assertFalse(self._notified(self.sales_b1, ticket, "opened a complaint"))
        consultation = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(
                partner_id=self.customer_a.id, request_kind="consultation"
            )
        )
        self.assertFalse(self._notified(self.sales_a1, consultation, "complaint"))

    def test_proposal_approved(self):
        proposal = self._proposal_of(self.customer_a, amount=300.0)
        proposal.with_user(self.agent1).action_submit()
        self.assertFalse(self._notified(self.sales_a1, proposal.ticket_id, "approved"))
        proposal.with_user(self.lead_a).validate_tier()
        self.assertTrue(
            self._notified(self.sales_a1, proposal.ticket_id, "may now tell")
        )

    def test_collect_receivable_to_salesperson(self):
        proposal = self._proposal(
            lines=[], rtype="not_justified", ticket=self._complaint_of(self.customer_a)
        )
        proposal.with_user(self.agent1).action_submit()
        proposal.with_user(self.lead_a).validate_tier()
        activity = proposal.ticket_id.activity_ids.filtered(
            lambda a: a.summary == "Collect the receivable"
        )
        self.assertEqual(activity.user_id, self.sales_a1)

    def test_major_overdue(self):
        with freeze_time("2026-03-02 02:00:00"):
            ticket = self._complaint_of(self.customer_a)
            major = self._complaint(partner_id=self.customer_a.id, severity="major")
        self.assertTrue(major.deadline_ids)
        due = max(major.deadline_ids.mapped("due_date"))
        with freeze_time(due + timedelta(days=3)):
            self.env["cs.ticket.deadline"]._cron_escalate()
            self.env["cs.ticket.deadline"]._cron_escalate()
        notes = self._notified(self.sales_a1, major, "is overdue")
        self.assertEqual(len(notes), 1)
        self.assertFalse(self._notified(self.sales_a1, ticket, "is overdue"))


@tagged("post_install", "-at_install")
class TestSalesRpc(HttpCase, SalesCommon):
    def _rpc(self, user, model, method, args):
        try:
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname, user.id, user.login, model, method, args
            )
        except xmlrpc.client.Fault as fault:
            if "cannot marshal None" in fault.faultString:
                return None  # the method ran; its answer could not be sent
            raise

    def test_salesperson_writes_refused_over_rpc(self):
        proposal = self._proposal_of(self.customer_a)
        proposal.with_user(self.agent1).action_submit()
        ticket = proposal.ticket_id
        callback = self._callback(self.customer_a)
        attempts = [
            ("helpdesk.ticket", "write", [ticket.ids, {"name": "x"}]),
            ("helpdesk.ticket", "write", [ticket.ids, {"cs_salesperson_id": 1}]),
            ("cs.resolution", "read", [proposal.ids, ["facts"]]),
            ("cs.resolution", "write", [proposal.ids, {"facts": "x"}]),
            ("cs.resolution", "validate_tier", [proposal.ids]),
            ("tier.review", "write", [proposal.review_ids.ids, {"status": "approved"}]),
            ("cs.callback", "write", [callback.ids, {"comments": "x"}]),
            ("cs.callback", "action_done", [callback.ids]),
        ]
        for model, method, args in attempts:
            with self.subTest(model=model, method=method):
                with self.assertRaises(xmlrpc.client.Fault):
                    self._rpc(self.sales_a1, model, method, args)
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "to_approve")
        self.assertEqual(callback.state, "todo")
        found = self._rpc(
            self.sales_a1, "helpdesk.ticket", "search", [[("id", "=", ticket.id)]]
        )
        self.assertEqual(found, ticket.ids)
