/// Text made safe for an HTML page or attribute: the one escape the reports (coverage, place-name plan)
/// and the server's pages share.
///
/// ```swift
/// HTMLText.escape("文一路 <A&B>")   // "文一路 &lt;A&amp;B&gt;"
/// ```
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
