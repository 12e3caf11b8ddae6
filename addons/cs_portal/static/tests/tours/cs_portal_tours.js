/** @odoo-module **/
import {registry} from "@web/core/registry";

// 1x1 PNG: the photo sent with the complaint
const PNG_B64 =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

function setValue(value) {
    return function () {
        this.anchor.value = value;
        this.anchor.dispatchEvent(new Event("input", {bubbles: true}));
        this.anchor.dispatchEvent(new Event("change", {bubbles: true}));
    };
}

// A portal customer (Simplified Chinese) submits a complaint with the register
// fields and a photo, then reads the tracking page of the new ticket.
registry.category("web_tour.tours").add("cs_portal_intake_tour", {
    steps: () => [
        {
            content: "Choose the complaint form",
            trigger: ".o_cs_portal_kinds a.o_cs_kind_complaint",
            run: "click",
        },
        {
            content: "The form is in Chinese",
            trigger: ".o_cs_intake_form label:contains('购买日期')",
        },
        {
            content: "Product bought",
            trigger: "select[name='register_product_id']",
            run: "selectByLabel Kettle K1",
        },
        {
            content: "Kind of problem",
            trigger: "select[name='complaint_class']",
            run: "select quality",
        },
        {
            content: "Order reference",
            trigger: "input[name='order_ref']",
            run: "edit SO-2026-1187",
        },
        {
            content: "Lot",
            trigger: "input[name='lot_ref']",
            run: "edit L2609-17",
        },
        {
            content: "Quantity",
            trigger: "input[name='quantity_affected']",
            run: setValue("2"),
        },
        {
            content: "Purchase date",
            trigger: "input[name='purchase_date']",
            run: setValue("2025-06-01"),
        },
        {
            content: "Purchase place",
            trigger: "input[name='purchase_place']",
            run: "edit 杭州旗舰店",
        },
        {
            content: "Photo",
            trigger: "input[name='attachment']",
            run() {
                const bytes = Uint8Array.from(atob(PNG_B64), (c) => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], "photo.png", {type: "image/png"}));
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Subject",
            trigger: "input[name='subject']",
            run: "edit 电水壶漏水",
        },
        {
            content: "Description",
            trigger: "textarea[name='description']",
            run: "edit 使用一周后底部漏水。",
        },
        {
            content: "Send",
            trigger: ".o_cs_intake_submit",
            run: "click",
        },
        {
            content: "The tracking page shows our commitments",
            trigger: "#cs_tracking:contains('我们的承诺') .o_cs_promise_feedback",
        },
        {
            content: "and the registered product",
            trigger: ".o_cs_register:contains('Kettle K1')",
        },
    ],
});

// The customer confirms their satisfaction on the tracking page.
registry.category("web_tour.tours").add("cs_portal_confirm_tour", {
    steps: () => [
        {
            content: "Progress shown",
            trigger: "#cs_tracking",
        },
        {
            content: "Confirm: the case is solved",
            trigger: "form[action='/ticket/close'] button",
            run: "click",
        },
        {
            content: "Confirmation recorded",
            trigger: ".alert-info:contains('您的确认已记录')",
        },
    ],
});
