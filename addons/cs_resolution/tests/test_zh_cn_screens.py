"""Translation coverage of the main screens as a Chinese user sees them.

The views are loaded the way the web client loads them (``get_views`` in zh_CN, with
every inherited view and base_tier_validation's approval banner and buttons); the portal
pages are rendered over HTTP for a portal customer whose language is zh_CN. Any English
word left in a label, help text, placeholder, button, filter, selection value or page
text fails the test, whichever addon the term comes from (ours, helpdesk_mgmt,
base_tier_validation, Odoo). Genuinely untranslatable tokens are in ``ALLOWED``.
"""

import re

from lxml import etree, html

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.translate import code_translations

# tokens that stay Latin in Chinese UI text
ALLOWED = {"ID", "Odoo", "OdooBot", "KPI", "URL", "CC", "PDF", "SKU", "JSON"}
ALLOWED |= {"WeChat", "App", "APP"}
# a Latin word, not part of a reference such as HT00012 or SO-2026-1187
WORD = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z]{2,}(?![A-Za-z0-9_-])")
# e-mail addresses and URLs are data, not terms
NOT_TERMS = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]+")
# attributes whose value the user reads
TEXT_ATTRIBUTES = ("string", "help", "placeholder", "title", "confirm", "aria-label")
# view elements whose text is code, not UI
CODE_TAGS = {"script", "style"}


def english_words(text):
    text = NOT_TERMS.sub(" ", text or "")
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def _always_invisible(node):
    return (node.get("invisible") or "").strip() in ("1", "True") or (
        node.get("column_invisible") or ""
    ).strip() in ("1", "True")


class ScreenTerms:
    """Collects the visible terms of a view arch and of the fields it shows."""

    def __init__(self, models):
        self.models = models  # get_views()["models"]
        self.found = []  # (where, text)

    def add(self, where, text):
        if english_words(text):
            self.found.append((where, text.strip()))

    def walk(self, node, model, where):
        if not isinstance(node.tag, str) or node.tag in CODE_TAGS:
            return
        if _always_invisible(node):
            return
        label = f"{where}/{node.tag}"
        for attribute in TEXT_ATTRIBUTES:
            if node.get(attribute):
                self.add(f"{label}@{attribute}", node.get(attribute))
        if not node.tag == "field" or len(node):
            self.add(f"{label}#text", node.text)
        fields = self.models.get(model, {}).get("fields", {})
        if node.tag == "field" and node.get("name") in fields:
            field = fields[node.get("name")]
            name = f"{model}.{node.get('name')}"
            if not node.get("string"):
                self.add(f"{name} (label)", field.get("string"))
            self.add(f"{name} (help)", field.get("help"))
            for _value, value_label in field.get("selection") or ():
                self.add(f"{name} (selection)", value_label)
            # an inline sub-view shows the fields of the related model
            model_for_children = field.get("relation") or model
        else:
            model_for_children = model
        for child in node:
            self.walk(child, model_for_children, where)
            self.add(f"{label}#tail", child.tail)


@tagged("post_install", "-at_install")
class TestZhCnScreens(HttpCase):
    """A visible term of a main screen without zh_CN translation fails here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.partner = cls.env["res.partner"].create(
            {"name": "张三", "email": "zhangsan@example.com", "lang": "zh_CN"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="cs_zh_portal",
            name="张三",
            groups="base.group_portal",
            partner_id=cls.partner.id,
            lang="zh_CN",
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "热线组", "cs_regulated": True}
        )
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "电水壶漏水",
                "description": "<p>使用一周后漏水</p>",
                "partner_id": cls.partner.id,
                "team_id": cls.team.id,
                "request_kind": "complaint",
                "complaint_class": "quality",
                "severity": "general",
            }
        )

    def _view_terms(self, model, view_types):
        Model = self.env[model].with_context(lang="zh_CN")
        result = Model.get_views([(False, view_type) for view_type in view_types])
        collector = ScreenTerms(result["models"])
        for view_type, view in result["views"].items():
            arch = etree.fromstring(view["arch"])
            collector.walk(arch, model, f"{model}:{view_type}")
        return collector.found

    def assertNoEnglish(self, found, screen):
        self.assertFalse(
            found,
            f"{screen}: {len(found)} visible terms without zh_CN translation:\n"
            + "\n".join(f"  {where}: {text!r}" for where, text in found[:40]),
        )

    def test_ticket_screens(self):
        """Ticket list, form, kanban and search (helpdesk_mgmt + cs_center)."""
        views = ["list", "form", "kanban", "search"]
        found = self._view_terms("helpdesk.ticket", views)
        self.assertNoEnglish(found, "helpdesk.ticket")

    def test_stage_and_channel_names(self):
        """Stages (kanban columns, status bar) and channels shipped as data."""
        found = []
        for model in ("helpdesk.ticket.stage", "helpdesk.ticket.channel"):
            records = self.env[model].with_context(lang="zh_CN", active_test=False)
            data = self.env["ir.model.data"].search([("model", "=", model)])
            for record in records.browse(data.mapped("res_id")).exists():
                if english_words(record.name):
                    found.append((f"{model},{record.id}", record.name))
        self.assertNoEnglish(found, "stages and channels")

    def test_missing_translation_is_caught(self):
        """The check itself: a label and a view term left in English are reported."""
        field = self.env["ir.model.fields"]._get("helpdesk.ticket", "priority")
        field.update_field_translations("field_description", {"zh_CN": "Priority"})
        view = self.env.ref("helpdesk_mgmt.ticket_view_form")
        terms = {"zh_CN": {"Assign to me": "Assign to me"}}
        view.update_field_translations("arch_db", terms)
        self.env.registry.clear_all_caches()
        found = dict(self._view_terms("helpdesk.ticket", ["list", "form"]))
        self.assertEqual(found.get("helpdesk.ticket.priority (label)"), "Priority")
        self.assertIn("Assign to me", found.values())

    def test_proposal_form_and_approval_banner(self):
        """Proposal form and list with base_tier_validation's banner and buttons."""
        found = self._view_terms("cs.resolution", ["list", "form", "search"])
        self.assertNoEnglish(found, "cs.resolution")
        # the banner really is in the arch the client receives, in Chinese
        arch = (
            self.env["cs.resolution"]
            .with_context(lang="zh_CN")
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        arch = etree.tostring(etree.fromstring(arch), encoding="unicode")
        self.assertIn("此记录需要审批", arch)
        self.assertIn("审批通过", arch)  # Validate
        self.assertIn("驳回", arch)  # Reject

    def test_review_widget_terms(self):
        """base_tier_validation's review widget and menu (web client terms)."""
        messages = code_translations.get_web_translations(
            "base_tier_validation", "zh_CN"
        )
        translated = {m["id"] for m in messages["messages"]}
        for term in ("Reviews", "Requested by", "Todo by", "Validation Date", "Status"):
            self.assertIn(term, translated)
        python = code_translations.get_python_translations("helpdesk_mgmt", "zh_CN")
        for term in ("Newest", "Title", "Search in Title", "Last Stage Update"):
            self.assertIn(term, python)

    def _portal_text(self, url):
        self.authenticate("cs_zh_portal", "cs_zh_portal")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        tree = html.fromstring(response.content)
        main = tree.xpath("//main") or [tree]
        for bad in main[0].xpath(".//script|.//style|.//*[contains(@class,'d-none')]"):
            bad.drop_tree()
        found = []
        for node in main[0].iter():
            if not isinstance(node.tag, str):
                continue
            texts = (node.text, node.tail, node.get("placeholder"), node.get("title"))
            for text in texts:
                if english_words(text):
                    found.append((f"{url} <{node.tag}>", text.strip()))
        return found

    def test_portal_ticket_pages(self):
        """helpdesk_mgmt's /my/tickets list and ticket page, as a Chinese customer."""
        found = self._portal_text("/my/tickets")
        found += self._portal_text(f"/my/ticket/{self.ticket.id}")
        self.assertNoEnglish(found, "portal")
