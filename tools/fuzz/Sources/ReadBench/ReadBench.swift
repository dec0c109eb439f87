import DoorstepGeoJSON
import Foundation

/// Times the readers on real files (not a fuzzer; build it without sanitizers):
///   swift build -c release --product ReadBench && .build/release/ReadBench FILE… [--runs N] [--columns id,elderly]
/// For each file, the best and median wall time of N reads (GeoJSON by GeoJSONReader, CSV by
/// CSVPointReader), after one warm-up read; `--columns` reads GeoJSON points as those columns.
@main
struct ReadBench {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        var runs = 7
        if let index = arguments.firstIndex(of: "--runs"), index + 1 < arguments.count {
            runs = Int(arguments[index + 1]) ?? runs
            arguments.removeSubrange(index...(index + 1))
        }
        var columns: [String]?
        if let index = arguments.firstIndex(of: "--columns"), index + 1 < arguments.count {
            columns = arguments[index + 1].split(separator: ",").map(String.init)
            arguments.removeSubrange(index...(index + 1))
        }
        for path in arguments {
            let read: () throws -> Int = path.lowercased().hasSuffix(".csv")
                ? { try CSVPointReader.read(file: path).features.count }
                : { let read = try GeoJSONReader.read(file: path, pointColumns: columns); return read.points?.locations.count ?? read.features.count }
            let count = try read()
            var times: [Double] = []
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try read()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            }
            times.sort()
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            print(String(format: "%@: %.1f MB, %d features, best %.3f s, median %.3f s (%d runs)",
                         path, Double(size) / 1e6, count, times[0], times[times.count / 2], runs))
        }
    }
}
