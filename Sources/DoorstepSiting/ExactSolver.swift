import CCbc
import Foundation

/// A mixed-integer linear model, built row by row and handed to COIN-OR CBC.
struct LinearModel {
    struct Column {
        var lower: Double
        var upper: Double
        var objective: Double
        var isInteger: Bool
    }

    struct Row {
        var lower: Double
        var upper: Double
        var entries: [(column: Int, value: Double)]
    }

    var columns: [Column] = []
    var rows: [Row] = []

    mutating func addColumn(lower: Double = 0, upper: Double = 1, objective: Double, integer: Bool) -> Int {
        columns.append(Column(lower: lower, upper: upper, objective: objective, isInteger: integer))
        return columns.count - 1
    }

    mutating func addRow(lower: Double = -.infinity, upper: Double = .infinity, _ entries: [(column: Int, value: Double)]) {
        rows.append(Row(lower: lower, upper: upper, entries: entries))
    }

    var nonzeros: Int { rows.reduce(0) { $0 + $1.entries.count } }
}

/// The outcome of a solver run, honestly labelled.
public struct SolverOutcome: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Proven optimal.
        case optimal
        /// A solution, not proven optimal (time limit, or a heuristic), with a bound and the gap to it.
        case feasible
        /// No solution satisfies the constraints.
        case infeasible
    }

    public var status: Status
    /// Column values of the best solution found (empty when infeasible).
    public var values: [Double]
    /// Objective of that solution, in the model's own sense.
    public var objective: Double
    /// The best bound proven on the objective.
    public var bound: Double?
}

/// Solves a `LinearModel` with CBC (minimisation), with a time limit and an optional warm start.
enum CBC {
    static func minimize(_ model: LinearModel, timeLimit: Double, start: [Double]?) -> SolverOutcome {
        let n = model.columns.count
        // CBC takes the matrix column by column.
        var perColumn = [[(row: Int32, value: Double)]](repeating: [], count: n)
        for (r, row) in model.rows.enumerated() {
            for entry in row.entries { perColumn[entry.column].append((Int32(r), entry.value)) }
        }
        var starts: [CoinBigIndex] = [0]
        var indexes: [Int32] = []
        var values: [Double] = []
        for column in perColumn {
            for entry in column {
                indexes.append(entry.row)
                values.append(entry.value)
            }
            starts.append(CoinBigIndex(indexes.count))
        }
        let cbc = Cbc_newModel()
        defer { Cbc_deleteModel(cbc) }
        let infinity = 1e30
        let columnLower = model.columns.map(\.lower), columnUpper = model.columns.map(\.upper)
        let objective = model.columns.map(\.objective)
        let rowLower = model.rows.map { max($0.lower, -infinity) }, rowUpper = model.rows.map { min($0.upper, infinity) }
        Cbc_loadProblem(cbc, Int32(n), Int32(model.rows.count), starts, indexes, values, columnLower, columnUpper, objective, rowLower, rowUpper)
        for (j, column) in model.columns.enumerated() where column.isInteger { Cbc_setInteger(cbc, Int32(j)) }
        Cbc_setObjSense(cbc, 1)
        Cbc_setLogLevel(cbc, 0)
        Cbc_setMaximumSeconds(cbc, max(0.01, timeLimit))
        Cbc_setAllowableFractionGap(cbc, 1e-9)
        // Measured on the benchmark instances: CBC's preprocessing only slows these coverage models
        // (10k × 1k: 20 s with it, 9 s without), and a second thread helps on large ones. The time limit is wall-clock.
        Cbc_setParameter(cbc, "preprocess", "off")
        let threads = model.nonzeros > 100_000 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1  // threads cost on tiny models
        Cbc_setParameter(cbc, "threads", String(threads))
        Cbc_setParameter(cbc, "timeMode", "elapsed")
        if let start {
            let columnsStarted = (0..<Int32(n)).map { $0 }
            Cbc_setMIPStartI(cbc, Int32(n), columnsStarted, start)
        }
        Cbc_solve(cbc)
        if Cbc_isProvenInfeasible(cbc) != 0 {
            return SolverOutcome(status: .infeasible, values: [], objective: .nan, bound: nil)
        }
        let solution: UnsafePointer<Double>?
        if let best = Cbc_bestSolution(cbc) { solution = UnsafePointer(best) } else { solution = Cbc_getColSolution(cbc) }
        guard let solution else {
            return SolverOutcome(status: .infeasible, values: [], objective: .nan, bound: nil)
        }
        let result: [Double] = Array(UnsafeBufferPointer(start: solution, count: n))
        var value = 0.0
        for j in 0..<n { value += result[j] * objective[j] }
        let optimal = Cbc_isProvenOptimal(cbc) != 0 && Cbc_isSecondsLimitReached(cbc) == 0
        let bound = Cbc_getBestPossibleObjValue(cbc)
        return SolverOutcome(
            status: optimal ? .optimal : .feasible, values: result, objective: value,
            bound: optimal ? value : (bound.isFinite && abs(bound) < infinity ? min(bound, value) : nil))
    }
}
