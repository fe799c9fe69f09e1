"""违法行为目录与自由裁量基准 (violation catalogue with versioned discretion benchmarks).

- `articles`: article references 《…》第X条第Y款第Z项 as data;
- `selectors`: the benchmark in force on a date, and fine checks against the law and the benchmark;
- `services`: every write, with the catalogue's invariants;
- `starter`: the shipped work-safety set (casefiles/data/violation_catalogue.json);
- `spreadsheet`: the xlsx layout admins export, edit and import.
"""
