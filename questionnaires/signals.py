"""Signals of the questionnaires app (it imports nothing of the apps that use it: they listen).

`revision_created` is sent by the loader inside its transaction when a corrected file made a new revision
of a version that has answers: `previous` (the row now superseded), `revision` (the new row) and
`changes` (questionnaires.revisions.RevisionChange list). A receiver returns a line for the operator
(or None); an exception in a receiver rolls the whole load back.
"""

from __future__ import annotations

from django.dispatch import Signal

revision_created = Signal()
