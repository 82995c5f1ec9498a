"""DR/HA gap rules (DR001…): each checks :class:`dbwright.rules.dr.facts.DrFacts` from a DR plan."""
