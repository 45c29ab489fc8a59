package dev.molt.webconsole;

/**
 * The page's frame: tabs, the places each view fills, and the script. Everything it shows comes
 * from the JSON API, so this text has no data in it (nothing here needs escaping but the root).
 */
final class Page {

    private Page() {
    }

    static String html(String pluginRoot) {
        String root = pluginRoot.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
        return """
                <div id="molt" data-root="%1$s">
                  <div class="molt-bar">
                    <span class="molt-tabs">
                      <button data-tab="processes" class="molt-tab">Processes</button>
                      <button data-tab="behaviours" class="molt-tab">Behaviours</button>
                      <button data-tab="upgrades" class="molt-tab">Upgrades</button>
                      <button data-tab="held" class="molt-tab">Held <span id="molt-held-count"></span></button>
                    </span>
                    <label class="molt-live"><input type="checkbox" id="molt-live" checked> live (every 2 s)</label>
                    <span id="molt-totals"></span>
                  </div>
                  <div id="molt-message" class="molt-message" hidden></div>
                  <section id="molt-processes" class="molt-view">
                    <form id="molt-filter" class="molt-filter">
                      <input name="name" placeholder="name or pid"> <select name="behaviour"><option value="">any behaviour</option></select>
                      <input name="version" placeholder="version" size="8">
                      <select name="status"><option value="">any status</option><option>RUNNING</option><option>SUSPENDED</option><option>HELD</option></select>
                      <select name="size"><option>25</option><option selected>50</option><option>100</option><option>500</option></select> per page
                    </form>
                    <table class="nicetable molt-table" id="molt-process-table">
                      <thead><tr>
                        <th data-sort="pid">Pid</th><th data-sort="name">Name</th><th data-sort="behaviour">Behaviour</th>
                        <th data-sort="version">Version</th><th data-sort="status">Status</th><th data-sort="mailbox">Mailbox</th>
                        <th data-sort="handled">Handled</th>
                      </tr></thead>
                      <tbody></tbody>
                    </table>
                    <div class="molt-pager"><button id="molt-prev">&lt; previous</button> <span id="molt-page"></span> <button id="molt-next">next &gt;</button></div>
                  </section>
                  <section id="molt-process" class="molt-view" hidden></section>
                  <section id="molt-behaviours" class="molt-view" hidden></section>
                  <section id="molt-upgrades" class="molt-view" hidden></section>
                  <section id="molt-held" class="molt-view" hidden></section>
                </div>
                <script src="%1$s/res/molt.js"></script>
                """.formatted(root);
    }
}
