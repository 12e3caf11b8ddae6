# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo.tools import file_open
from odoo.tools.translate import (
    CodeTranslations,
    TranslationFileReader,
    code_translations,
    get_po_paths,
)

_logger = logging.getLogger(__name__)

MODULE = "cs_l10n_zh_upstream"
# upstream modules whose code terms our po file completes
UPSTREAM_MODULES = frozenset({"helpdesk_mgmt", "base_tier_validation"})


def _upstream_code_translations(module_name, lang, filter_func):
    """Code entries of this addon's po files that belong to ``module_name``."""
    translations = {}
    for po_path in get_po_paths(MODULE, lang):
        with file_open(po_path, mode="rb") as fileobj:
            for row in TranslationFileReader(fileobj, fileformat="po"):
                if (
                    row.get("type") == "code"
                    and row.get("module") == module_name
                    and row.get("src")
                    and filter_func(row)
                ):
                    translations[row["src"]] = row["value"]
    return translations


def extend_module():
    """Make ``CodeTranslations`` fall back on our entries for the upstream modules.

    ``_get_code_translations`` is the one place both the Python (``_()``) and the web
    client translations are read from; the upstream module's own translation wins.
    """
    original = CodeTranslations._get_code_translations
    if getattr(original, "_cs_l10n_zh_upstream", False):
        return

    def _get_code_translations(module_name, lang, filter_func):
        translations = original(module_name, lang, filter_func)
        if module_name not in UPSTREAM_MODULES:
            return translations
        extra = _upstream_code_translations(module_name, lang, filter_func)
        return {**extra, **translations} if extra else translations

    _get_code_translations._cs_l10n_zh_upstream = True
    CodeTranslations._get_code_translations = staticmethod(_get_code_translations)
    # forget what was read before this addon was imported (process-wide cache)
    caches = (code_translations.python_translations, code_translations.web_translations)
    for cache in caches:
        for key in [k for k in cache if k[0] in UPSTREAM_MODULES]:
            del cache[key]


extend_module()
