# Run by ./dev (odoo shell, stdin) on a demo database where only base is installed:
# the main company gets the country CS_DEMO_COUNTRY (default cn) and that country's
# currency, as Odoo's database manager does when a country is chosen at creation. The
# addons installed afterwards see a company in China: account loads l10n_cn's chart and
# every demo amount is in CNY. Prints "cs-demo-country-failed" when it cannot.
# ruff: noqa: F821  (env is given by odoo shell)
import os

code = os.environ.get("CS_DEMO_COUNTRY", "cn").upper()
country = env["res.country"].search([("code", "=", code)], limit=1)
if not country or not country.currency_id:
    print(f"cs-demo-country-failed: no country {code} with a currency")
else:
    currency = country.currency_id
    currency.active = True
    company = env.ref("base.main_company")
    company.write({"country_id": country.id, "currency_id": currency.id})
    env.cr.commit()
    print(f"main company: country {country.code}, currency {currency.name}")
