"""The workflow app's only model is the state-machine proxy of the case (workflow.machine.CaseFlow).
The records the procedure keeps (history, legal checks, hearings, meetings, votes) live with the case
in casefiles.models, so that evidence and documents read them without importing the workflow."""

from workflow.machine import CaseFlow  # noqa: F401
