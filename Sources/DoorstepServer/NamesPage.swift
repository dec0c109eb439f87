import DoorstepGeoJSON
import DoorstepNames
import Foundation
import Hummingbird

/// The registry's page at `/names`: search, a record with its history, and for a signed-in editor
/// a form that checks a name as it is typed and proposes it.
///
/// The page is a shell: every record, check and event comes from `/api/names` through
/// `/static/names.js`, so that the page says exactly what the API says, and so that on a
/// `--private` server the shell can load without a token and then ask for one.
extension Routes {
    func addNamesPage(to router: Router<DoorstepServer.Context>) {
        router.get("/names") { _, _ in Reply.html(namesPage(types: await namesPageTypes())) }
    }

    /// The types the propose form offers, in the order of the defaults, then the bureau's own by id.
    ///
    /// A private server's shell holds nothing read from the registry (it is served without a token),
    /// so it offers the default types; an open server offers the registry's types, its additions
    /// included. A registry that cannot be read just now falls back to the defaults rather than
    /// failing the page: the form's check reports the real error when it runs.
    func namesPageTypes() async -> [PlaceType] {
        guard !configuration.isPrivate, let names, let stored = try? await names.run({ try $0.types() }), !stored.isEmpty else {
            return PlaceType.defaults
        }
        let order = Dictionary(PlaceType.defaults.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        return stored.values.sorted { a, b in
            switch (order[a.id], order[b.id]) {
            case let (x?, y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): a.id < b.id
            }
        }
    }

    /// The page: a side panel for searching and signing in, a main panel for the record, its
    /// history and the propose form. Chinese by default; the script switches to English. The empty
    /// `data:` icon keeps the browser from asking for `/favicon.ico`, which a private server would
    /// answer 401 and which would then stand as an error in the console.
    func namesPage(types: [PlaceType]) -> String {
        let config: JSONValue = .object([
            "registry": .bool(names != nil), "private": .bool(configuration.isPrivate),
            "types": .array(types.map { .object(["id": .string($0.id), "zh": .string($0.label)]) }),
        ])
        // `<` escaped so that no value can close the script element.
        let configText = GeoJSONWriter.json(config).replacingOccurrences(of: "<", with: "\\u003c")
        return """
            <!DOCTYPE html>
            <html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>地名管理 · Doorstep</title>
            <link rel="icon" href="data:,">
            <style>
            html,body{margin:0;height:100%;font-family:system-ui,"Noto Sans CJK SC",sans-serif;font-size:14px;color:#222}
            #app{display:flex;min-height:100%}
            #side{width:30em;padding:.6em 1em;border-right:1px solid #ccc;background:#fff;overflow:auto}
            #main{flex:1;padding:.6em 1.2em;overflow:auto;background:#fafaf8}
            h1{font-size:1.2em;margin:.2em 0}h2{font-size:1em;margin:.9em 0 .3em}
            table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.2em .35em;text-align:left;font-size:.92em;vertical-align:top}
            th{font-weight:600;color:#444}
            button,select,input,textarea{font:inherit;margin:.15em 0}input[type=search]{width:15em}
            button.link{background:none;border:none;padding:0;color:#1565c0;cursor:pointer;text-decoration:underline}
            form.grid{display:grid;grid-template-columns:7em 1fr;gap:.25em .6em;align-items:center;max-width:36em}
            form.grid textarea{min-height:3em}.coords input{width:7em}
            .msg{color:#555;min-height:1.2em}.error{color:#b71c1c}
            .verdict{display:inline-block;padding:.15em .6em;border-radius:3px;font-weight:bold;color:#fff}
            .verdict-ok{background:#2e7d32}.verdict-review{background:#ef6c00}.verdict-reject{background:#b71c1c}
            .sev-reject{color:#b71c1c}.sev-review{color:#ef6c00}.sev-ok,.sev-info{color:#2e7d32}
            .changes{margin:0;padding-left:1.1em;font-size:.9em;color:#444}
            #outcome{margin:.5em 0}.card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:.5em .8em;margin:.5em 0}
            </style></head><body>
            <div id="app"><div id="side">
            <h1 data-t="title"></h1>
            <p><button id="lang"></button> <small><a href="/map" data-t="map"></a> · <a href="/api" data-t="api"></a></small></p>
            <div id="notice" class="msg error" role="alert"></div>
            <section id="signin">
            <form id="signin-form"><label for="token" data-t="token"></label><br>
            <input id="token" type="password" autocomplete="off" spellcheck="false" size="28"> <button type="submit" data-t="signIn"></button></form>
            <p id="signed-in" hidden><span data-t="signedIn"></span> <button id="signout" type="button" data-t="signOut"></button></p>
            </section>
            <h2 data-t="search"></h2>
            <form id="search-form" role="search"><input id="q" type="search" autocomplete="off" data-tp="searchHint">
            <button type="submit" data-t="find"></button></form>
            <div id="search-status" class="msg"></div>
            <div id="results"></div>
            </div><div id="main">
            <div id="record"></div>
            <div id="history"></div>
            <section id="propose" hidden>
            <h2 data-t="propose"></h2>
            <form id="propose-form" class="grid" autocomplete="off">
            <label for="p-name" data-t="name"></label><input id="p-name" required maxlength="100">
            <label for="p-type" data-t="type"></label><select id="p-type"></select>
            <label for="p-district" data-t="district"></label><input id="p-district" inputmode="numeric" maxlength="6" data-tp="districtHint">
            <label for="p-town" data-t="town"></label><input id="p-town" inputmode="numeric" maxlength="9" data-tp="townHint">
            <span data-t="location"></span><span class="coords"><input id="p-lon" inputmode="decimal" data-tp="lon"> <input id="p-lat" inputmode="decimal" data-tp="lat"></span>
            <label for="p-reason" data-t="reason"></label><textarea id="p-reason" maxlength="2000"></textarea>
            <span></span><span><button type="submit" id="p-submit" data-t="submit"></button> <button type="button" id="p-reserve" data-t="reserve"></button></span>
            </form>
            <div id="check" aria-live="polite"></div>
            <div id="outcome" aria-live="polite"></div>
            </section>
            </div></div>
            <script>window.DOORSTEP_NAMES = \(configText);</script>
            <script src="/static/names.js"></script>
            </body></html>

            """
    }
}
