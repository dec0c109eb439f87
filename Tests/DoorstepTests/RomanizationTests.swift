import Foundation
import Testing

@testable import DoorstepNames

/// Romanisation as the gazetteer writes it: the reading table of every county- and prefecture-level
/// name, the polyphones it settles, the `reading` finding for those it does not, and the 通名 split.
@Suite("Romanization as the gazetteer writes it")
struct RomanizationTests {
    struct Entry: CustomTestStringConvertible {
        var name, romanisation, proper, generic: String
        var testDescription: String { "\(name) \(romanisation)" }
    }

    static let entries: [Entry] = GazetteerReadings.entries.split(separator: "\n").map { line in
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        return Entry(name: fields[0], romanisation: fields[1], proper: fields[2], generic: fields[3])
    }

    @Test("the table covers every province-, prefecture- and county-level name")
    func coverage() {
        #expect(Self.entries.count >= 3_200)
        let names = Set(Self.entries.map(\.name))
        for name in [
            "东阿县", "枞阳县", "乐亭县", "牟平区", "泌阳县", "涡阳县", "浚县", "莘县", "西湖区", "杭州市", "浙江省", "乌鲁木齐市",
            "临平区", "钱塘区", "新星市", "白杨市",
        ] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test("every table entry romanises as its source writes it")
    func everyEntry() {
        var wrong: [String] = []
        for entry in Self.entries {
            let romanised = Romanizer.shared.romanize(proper: entry.proper, generic: entry.generic)
            if romanised.lowercased() != entry.romanisation.lowercased() {
                wrong.append("\(entry.name): \(romanised), source \(entry.romanisation)")
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of \(Self.entries.count): \(wrong.prefix(30).joined(separator: "; "))")
    }

    @Test(
        "polyphonic county names read as the gazetteer writes them, alone and in road names",
        arguments: [
            ("东阿", "Dong'e"), ("枞阳", "Zongyang"), ("莘庄", "Xinzhuang"), ("乐亭", "Laoting"), ("牟平", "Muping"),
            ("泌阳", "Biyang"), ("涡阳", "Guoyang"), ("六合", "Luhe"), ("长子", "Zhangzi"), ("中牟", "Zhongmu"), ("荥经", "Yingjing"),
            ("犍为", "Qianwei"), ("繁峙", "Fanshi"), ("番禺", "Panyu"), ("铅山", "Yanshan"),
        ])
    func polyphonic(name: String, expected: String) {
        #expect(Romanizer.shared.romanize(proper: name, generic: "") == expected)
        #expect(Romanizer.shared.romanize(proper: name, generic: "路") == expected + " Lu")
    }

    @Test(
        "units created or renamed since Google's data, and township names with polyphones, read as their sources write them",
        arguments: [
            ("临平", "区", "Linping Qu"), ("钱塘", "区", "Qiantang Qu"), ("郫都", "区", "Pidu Qu"), ("红寺堡", "区", "Hongsibu Qu"),
            ("龙圩", "区", "Longxu Qu"), ("扎赉诺尔", "区", "Jalainur Qu"), ("茫崖", "市", "Mangnai Shi"), ("沙县", "区", "Shaxian Qu"),
            ("东涌", "镇", "Dongchong Zhen"), ("大栅栏", "街道", "Dashilan Jiedao"), ("解州", "镇", "Xiezhou Zhen"),
            // Google's spellings the table corrects: "Lupanshui", "Yanzhang", "Yindou".
            ("六盘水", "市", "Liupanshui Shi"), ("延长", "县", "Yanchang Xian"), ("殷都", "区", "Yindu Qu"),
        ])
    func renamedAndTownships(proper: String, generic: String, expected: String) {
        #expect(Romanizer.shared.romanize(proper: proper, generic: generic) == expected)
    }

    @Test("a one-character 专名 keeps the gazetteer's reading with its 通名 only: 莘县 Shen Xian beside 莘庄 Xinzhuang")
    func oneCharacter() {
        #expect(Romanizer.shared.romanize(proper: "莘", generic: "县") == "Shen Xian")
        #expect(Romanizer.shared.romanize(proper: "莘庄", generic: "镇") == "Xinzhuang Zhen")
        #expect(Romanizer.shared.romanize(proper: "浚", generic: "县") == "Xun Xian")
        #expect(Romanizer.shared.romanize(proper: "单", generic: "县") == "Shan Xian")
        #expect(Romanizer.shared.romanize(proper: "蔚", generic: "县") == "Yu Xian")
    }

    @Test("the 通名 split for every type, administrative units included (GB/T 16159, the 1984 rules)")
    func split() {
        let types = PlaceType.defaultsByID
        func romanized(_ name: String, _ type: String) -> String {
            let parts = NameParts(name, type: types[type])
            return Romanizer.shared.romanize(proper: parts.proper, generic: parts.generic)
        }
        #expect(romanized("西湖区", "district") == "Xihu Qu")
        #expect(romanized("於潜镇", "town") == "Yuqian Zhen")
        #expect(romanized("转塘街道", "subdistrict") == "Zhuantang Jiedao")
        #expect(romanized("沈家弄", "lane") == "Shenjia Long")
        #expect(romanized("文三西路", "road") == "Wensan Xilu")  // a one-syllable direction joins the 通名
        #expect(romanized("城南街道", "subdistrict") == "Chengnan Jiedao")
        #expect(romanized("浦东新区", "district") == "Pudong Xinqu")
        #expect(romanized("隆林各族自治县", "district") == "Longlin Gezu Zizhixian")
        #expect(romanized("富川瑶族自治县", "district") == "Fuchuan Yaozu Zizhixian")
        #expect(romanized("长白朝鲜族自治县", "district") == "Changbai Chaoxianzu Zizhixian")
        #expect(romanized("杭锦后旗", "district") == "Hanggin Houqi")  // the gazetteer's Mongolian form
        #expect(romanized("乌鲁木齐市", "district") == "Ürümqi Shi")
        #expect(romanized("黔西南州", "district") != "Qianxi Nanzhou")
        #expect(Romanizer.shared.romanize(proper: "黔西南", generic: "州") == "Qianxinan Zhou")
    }

    @Test("Hangzhou's towns, subdistricts and communities keep the readings they had")
    func hangzhou() throws {
        let text = try String(contentsOfFile: Paths.package + "/tools/data/hangzhou-readings.tsv", encoding: .utf8)
        let types = PlaceType.defaultsByID
        var count = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t").map(String.init)
            let parts = NameParts(fields[0], type: types[fields[1]])
            #expect(Romanizer.shared.romanize(proper: parts.proper, generic: parts.generic) == fields[2], "\(fields[0])")
            count += 1
        }
        #expect(count > 700)
    }

    @Test("reading: an unresolved polyphone gets a review finding naming it and its readings; a resolved one does not")
    func readingFinding() throws {
        let tiny = try TinyRegistry()
        defer { tiny.folder.cleanup() }
        let unresolved = try tiny.check("乐园路", "road")
        let finding = try #require(unresolved.findings.first { $0.rule == "reading" })
        #expect(finding.severity == .review)
        #expect(finding.message.contains("乐") && finding.message.contains("le") && finding.message.contains("yue") && finding.message.contains("lao"))
        #expect(unresolved.verdict == .review)
        // The gazetteer settles 乐亭, 东阿, 莘县; the 通名's reading is the type's (弄 long).
        for name in ["乐亭路", "东阿路", "枞阳路", "莘庄路", "牟平街", "云栖路", "知足弄", "东涌路", "临平路"] {
            #expect(!(try tiny.check(name, name.hasSuffix("弄") ? "lane" : name.hasSuffix("街") ? "street" : "road").rules().contains("reading")), "\(name)")
        }
        #expect(try tiny.check("莘县", "district").rules().contains("reading") == false)
        // 莘 alone is not 莘县: 莘华路 could be Xinhua or Shenhua.
        let shen = try tiny.check("莘华路", "road")
        #expect(shen.rules(.review).contains("reading"))
        #expect(shen.findings.first { $0.rule == "reading" }?.message.contains("xin") == true)
    }

    @Test("a record's approved romanisation still wins over the table")
    func approvedWins() throws {
        let tiny = try TinyRegistry(seeded: false)
        defer { tiny.folder.cleanup() }
        let id = try tiny.registry.create(
            PlaceDraft(name: "乐亭路", type: "road", approvedPinyin: "Leting Lu", status: .inUse), action: "add", actor: "t")
        #expect(try tiny.registry.place(id)?.pinyin == "Leting Lu")
        let other = try tiny.registry.create(PlaceDraft(name: "乐亭街", type: "street", district: "330105"), action: "add", actor: "t")
        #expect(try tiny.registry.place(other)?.pinyin == "Laoting Jie")
    }
}
