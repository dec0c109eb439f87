import Foundation
import Hummingbird

/// The registry's page at `/names`: search, a record with its history, and for a signed-in editor
/// a form that checks a name as it is typed and proposes it.
extension Routes {
    func addNamesPage(to router: Router<DoorstepServer.Context>) {
        router.get("/names") { _, _ in Reply.html(HTML.page(title: "地名 Place names", body: "<div id=\"names\"></div><script src=\"/static/names.js\"></script>")) }
    }
}
