"""Render a report to a real PDF (wkhtmltopdf) and read its text (pdftotext).

Odoo returns HTML instead of PDF while tests run unless the context carries
``force_report_rendering`` (as Odoo's own report tests do). wkhtmltopdf fetches
the report's style sheets from ``web.base.url``: ``HttpCase`` points that at the
test server, so the PDFs rendered here have the real layout.

``CS_REPORT_PDF_DIR=/some/dir`` keeps every PDF rendered by these tests there
(the README's PDF screenshots come from it)."""

import os
import re
import subprocess
import unicodedata

from odoo.tests import HttpCase


def pdf_text(pdf):
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return out.stdout.decode()


# pdftotext reads some glyphs of Noto Sans CJK back as radicals (⻔ for 门, ⼾ for
# 户): the same glyph has several code points in the font's map
RADICALS = str.maketrans(
    "⻔⻅⻆⻓⻋⻢⻚⻛⻥⻬⻜⻘⻝戶⻊⻤⻩⻨⻮⻰",
    "门见角长车马页风鱼齐飞青食户足鬼黄麦龟龙",
)


def squash(text):
    """Text without white space (pdftotext may break or space CJK runs), CJK
    compatibility and radical code points read back as the ideographs."""
    text = unicodedata.normalize("NFKC", text).translate(RADICALS)
    return re.sub(r"\s+", "", text)


class CsReportCase(HttpCase):
    """Mixin of the report tests: zh_CN loaded, render as a user, assert text."""

    report_lang = "zh_CN"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang(cls.report_lang)

    def _render(self, report_xmlid, records, user, lang=None):
        """The PDF of ``records`` printed by ``user`` in ``lang``: (bytes, text)."""
        lang = lang or self.report_lang
        if not user.tz:
            # a centre in China: the printing user's zone, as the web client has it
            user.sudo().tz = "Asia/Shanghai"
        self._printed_tz = user.tz
        Report = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True, lang=lang, tz=user.tz)
        )
        pdf, fmt = Report._render_qweb_pdf(report_xmlid, records.ids)
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        keep = os.environ.get("CS_REPORT_PDF_DIR")
        if keep:
            os.makedirs(keep, exist_ok=True)
            name = f"{report_xmlid.split('.')[-1]}_{lang}.pdf"
            with open(os.path.join(keep, name), "wb") as fh:
                fh.write(pdf)
        return pdf, pdf_text(pdf)

    def assertInPdf(self, expected, text):
        for value in expected:
            self.assertIn(squash(str(value)), squash(text), f"{value!r} not printed")

    def _qweb_value(self, converter, value, record=None, lang=None, **options):
        """A value as the last report printed it (converter, language, the
        printing user's time zone)."""
        env = self.env(
            context=dict(
                self.env.context, lang=lang or self.report_lang, tz="Asia/Shanghai"
            )
        )
        return squash(
            str(env[f"ir.qweb.field.{converter}"].value_to_html(value, options))
        )
