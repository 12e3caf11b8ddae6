from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.cs_center.tests.common import CsCenterCommon

REPORTING_ACTIONS = [
    "cs_center.cs_ticket_report_action",
    "cs_center.cs_deadline_report_action",
    "cs_resolution.cs_tier_review_report_action",
    "cs_resolution.cs_resolution_report_reconcile_action",
    "cs_survey.cs_survey_score_report_action",
    "cs_survey.cs_callback_report_action",
    "cs_survey.cs_survey_campaign_line_report_action",
    "cs_survey.cs_survey_coverage_report_action",
]


@tagged("post_install", "-at_install")
class TestReportingViews(CsCenterCommon):
    """Every graph and pivot of the Reporting menu loads for the CS manager and
    groups real data; the dashboard is a board of those actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for kind in ("complaint", "consultation"):
            cls.Ticket.with_user(cls.agent1).create(
                cls._ticket_vals(
                    request_kind=kind,
                    complaint_class=kind == "complaint" and "quality" or False,
                    severity=kind == "complaint" and "general" or False,
                )
            )

    def _views(self, action, user):
        model = self.env[action.res_model].with_user(user)
        views = [(v.view_id.id, v.view_mode) for v in action.view_ids]
        modes = {mode for _id, mode in views}
        views += [(False, m) for m in action.view_mode.split(",") if m not in modes]
        views.append((False, "search"))
        return model.get_views(views)["views"]

    def test_graphs_and_pivots_load_and_group(self):
        for xmlid in REPORTING_ACTIONS:
            action = self.env.ref(xmlid)
            with self.subTest(action=xmlid):
                views = self._views(action, self.manager)
                self.assertIn("graph", views)
                self.assertIn("pivot", views)
                domain = safe_eval(action.domain or "[]", {"uid": self.manager.id})
                model = self.env[action.res_model].with_user(self.manager)
                for mode in ("graph", "pivot"):
                    arch = etree.fromstring(views[mode]["arch"])
                    groupby = [
                        f.get("name")
                        + (":" + f.get("interval") if f.get("interval") else "")
                        for f in arch.iter("field")
                        if f.get("type") in ("row", "col")
                    ]
                    measures = [
                        f.get("name")
                        + ":"
                        + (model._fields[f.get("name")].aggregator or "sum")
                        for f in arch.iter("field")
                        if f.get("type") == "measure"
                    ]
                    self.assertTrue(groupby)
                    # what the view asks the server for
                    model.read_group(
                        domain, measures + ["__count"], groupby[:1], lazy=True
                    )

    def test_tickets_by_kind_are_real_figures(self):
        action = self.env.ref("cs_center.cs_ticket_report_action")
        domain = safe_eval(action.domain)
        groups = self.Ticket.with_user(self.manager)._read_group(
            domain, ["request_kind"], ["__count"]
        )
        counts = dict(groups)
        self.assertGreaterEqual(counts.get("complaint", 0), 1)
        self.assertGreaterEqual(counts.get("consultation", 0), 1)

    def test_dashboard_is_a_board_of_the_reporting_actions(self):
        action = self.env.ref("cs_dashboard.cs_dashboard_action")
        self.assertEqual(action.res_model, "board.board")
        view = (
            self.env["board.board"]
            .with_user(self.manager)
            .get_views([(action.view_id.id, "form")])["views"]["form"]
        )
        arch = etree.fromstring(view["arch"])
        self.assertEqual(arch.get("js_class"), "board")
        ids = {int(node.get("name")) for node in arch.iter("action")}
        expected = {
            self.env.ref(x).id
            for x in REPORTING_ACTIONS
            if x != "cs_survey.cs_survey_campaign_line_report_action"
        }
        self.assertEqual(ids, expected)
        # the manager reads every panel's action; the menu is theirs
        Actions = self.env["ir.actions.actions"].with_user(self.manager)
        for xmlid in REPORTING_ACTIONS:
            self.assertTrue(Actions._for_xml_id(xmlid)["res_model"])
        menu = self.env.ref("cs_dashboard.cs_dashboard_menu")
        visible = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.agent1)._visible_menu_ids()
        self.assertNotIn(menu.id, hidden)
