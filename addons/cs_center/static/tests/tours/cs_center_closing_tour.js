/** @odoo-module **/
import {registry} from "@web/core/registry";

// An agent records the customer's confirmation on the ticket form, signs off as first
// owner, and closes the ticket. The test checks the records afterwards.
registry.category("web_tour.tours").add("cs_center_closing_tour", {
    steps: () => [
        {
            content: "Confirm the customer's satisfaction",
            trigger: ".o_form_view button[name='action_cs_confirm_satisfaction']",
            run: "click",
        },
        {
            content: "Note what the customer said",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Satisfied, no further need",
        },
        {
            content: "Record the confirmation",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "Sign off as first owner",
            trigger: ".o_form_view button[name='action_owner_signoff']",
            run: "click",
        },
        {
            content: "Sign-off recorded: the button is gone",
            trigger:
                ".o_form_view:not(:has(button[name='action_owner_signoff'])) .o_statusbar_status",
        },
        {
            content: "Open the folded stages",
            trigger: ".o_statusbar_status .dropdown-toggle",
            run: "click",
        },
        {
            content: "Close the ticket",
            // the stage "Done" in English or Chinese (the test database speaks zh_CN)
            trigger:
                ".o-dropdown--menu .dropdown-item:contains('Done'), .o-dropdown--menu .dropdown-item:contains('已完成')",
            run: "click",
        },
        {
            content: "Closed: the reopen button shows",
            trigger: ".o_form_view button[name='action_cs_reopen']",
        },
        {
            content: "Back to the list (the form saves what it still holds)",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The list of tickets shows",
            trigger: ".o_list_view, .o_kanban_view",
        },
    ],
});
