/// The walkable street network: graph, joins, bounded shortest paths (issue 9).
public enum DoorstepNetwork {}
