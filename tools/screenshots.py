"""README screenshots from the running demo (./dev run), made by a real browser.

Needs Playwright driving Debian's chromium (no browser download):
    python3 -m venv /tmp/pw && /tmp/pw/bin/pip install playwright
    /tmp/pw/bin/python tools/screenshots.py [base_url] [db]
Writes docs/img/*.png: back-office screens in Simplified Chinese as several demo
roles, the portal as the demo customer, and page 1 of two printed forms (pdftoppm).
"""

import os
import shutil
import subprocess
import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:8069"
DB = sys.argv[2] if len(sys.argv) > 2 else "cs_demo"
OUT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs/img"
)


def login(browser, user):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{BASE}/web/login?db={DB}", wait_until="load")
    page.fill("input[name=login]", user)
    page.fill("input[name=password]", user)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)
    return ctx, page


def shot(page, name, url=None, wait=3000):
    if url:
        page.goto(BASE + url, wait_until="load")
    page.wait_for_timeout(wait)
    page.screenshot(path=os.path.join(OUT, f"{name}.png"))
    print(name, page.url)


def open_first_row(page):
    page.locator(".o_data_row").first.click()
    page.wait_for_timeout(2500)


def search(page, model, domain):
    """Record ids as the logged-in user (JSON-RPC from the page)."""
    return page.evaluate(
        """async ([model, domain]) => {
            const r = await fetch('/web/dataset/call_kw/' + model + '/search', {
                method: 'POST', headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({jsonrpc: '2.0', method: 'call', params: {
                    model, method: 'search', args: [domain], kwargs: {limit: 1}}})});
            return (await r.json()).result;
        }""",
        [model, domain],
    )


def pdf_page(ctx, name, report, model, domain=()):
    """Print the first record of ``model`` with ``report``; page 1 as PNG."""
    page = ctx.new_page()
    page.goto(f"{BASE}/odoo", wait_until="load")
    ids = search(page, model, list(domain))
    if not ids:
        print("no record for", name)
        return
    res = ctx.request.get(f"{BASE}/report/pdf/{report}/{ids[0]}")
    path = os.path.join("/tmp", f"{name}.pdf")
    with open(path, "wb") as f:
        f.write(res.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "100",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path,
            os.path.join(OUT, name),
        ],
        check=True,
    )
    print(name, report, ids[0], res.status)


def main():
    os.makedirs(OUT, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), args=["--no-sandbox"]
        )
        ctx, page = login(browser, "cs_manager")
        shot(page, "tickets_list", "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action")
        complaint = [("cs_regulated", "=", True), ("request_kind", "=", "complaint")]
        tid = search(page, "helpdesk.ticket", complaint)[0]
        shot(page, "ticket_form", f"/odoo/helpdesk-tickets/{tid}")
        shot(page, "proposal_list", "/odoo/action-cs_resolution.cs_resolution_action")
        open_first_row(page)
        shot(page, "proposal_form")
        shot(page, "dashboard", "/odoo/action-cs_dashboard.cs_dashboard_action", 5000)
        shot(page, "calls", "/odoo/action-cs_contact.cs_call_action")
        pdf_page(
            ctx,
            "pdf_resolution_form",
            "cs_resolution.report_resolution_form",
            "cs.resolution",
        )
        pdf_page(
            ctx,
            "pdf_service_register",
            "cs_center.report_service_register",
            "helpdesk.ticket",
            [("cs_regulated", "=", True), ("request_kind", "=", "complaint")],
        )
        ctx.close()
        ctx, page = login(browser, "cs_agent1")
        shot(
            page,
            "agent_kanban",
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action?view_type=kanban",
        )
        ctx.close()
        ctx, page = login(browser, "cs_sales_a1")
        shot(page, "sales_pipeline", "/odoo/action-crm.crm_lead_action_pipeline")
        ctx.close()
        ctx, page = login(browser, "cs_portal1")
        shot(page, "portal_new_complaint", "/my/tickets/new/complaint")
        shot(page, "portal_tickets", "/my/tickets")
        page.locator("a[href*='/my/ticket/']").first.click()
        shot(page, "portal_ticket")
        ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
