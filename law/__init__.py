"""The law in one place: the rules the 行政处罚法 (2021), the 行政强制法 and the 安全生产法 (2021) set for
a case, each an object with a stable code, its source (law, article, paragraph, item), a Chinese
title and one evaluation (law.registry, law.rules); the pure legal predicates they are built from
(law.predicates); the penalty as a value (law.penalties); and the statutory bounds of the periods an
organisation may configure (law.periods).

This package sits just above core and below every app: it imports no app, and reads a case only
through the attributes it is given."""
