# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service Centre: Simplified Chinese for Upstream Addons",
    "summary": "zh_CN terms that OCA helpdesk_mgmt and base_tier_validation do not "
    "ship yet (field labels, stages, portal, approval banner), until they are upstream",
    "version": "18.0.1.0.0",
    "category": "Localization",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["helpdesk_mgmt", "base_tier_validation"],
    "auto_install": True,
}
