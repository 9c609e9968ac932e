"""The names of events and what their payloads hold (past tense, design §2).

One place for the vocabulary that the workflow writes and that the deadline engine, the
timeline and the bundle read. Payload keys are listed beside each kind; dates are ISO strings.
"""

from __future__ import annotations

# The dispute itself
DISPUTE_FILED = "DisputeFiled"            # number, institution, product, …, discovered_on
DISPUTE_CORRECTED = "DisputeCorrected"    # before: {field: old}, after: {field: new}
STAGE_ADVANCED = "StageAdvanced"          # from, to, + the fields the move records (see workflow)
DISPUTE_CLOSED = "DisputeClosed"          # from, resolution, summary
DISPUTE_WITHDRAWN = "DisputeWithdrawn"    # from, reason
DISPUTE_REOPENED = "DisputeReopened"      # to, reason
ASSIGNED = "Assigned"                     # handler_id, handler_name, previous_id

# Evidence and contacts
EVIDENCE_ATTACHED = "EvidenceAttached"    # exhibit, sha256, …
EVIDENCE_WITHDRAWN = "EvidenceWithdrawn"  # exhibit, reason
CONTACT_LOGGED = "ContactLogged"          # contact_id, channel, contacted_at
DEMAND_RECORDED = "DemandRecorded"        # sent_on (a written demand: interrupts limitation)

# The conversation
MESSAGE_SENT = "MessageSent"              # message_id, author_role
INFORMATION_REQUESTED = "InformationRequested"  # message_id
INFORMATION_PROVIDED = "InformationProvided"    # request_ids, via ("message" | "evidence")
NOTE_ADDED = "NoteAdded"                  # note_id   (internal: never shown to the borrower)

# Negotiation, mediation, litigation
OFFER_MADE = "OfferMade"                  # offer_id, terms
OFFER_ANSWERED = "OfferAnswered"          # offer_id, answer ("accepted" | "rejected"), note
MEDIATION_RECORDED = "MediationRecorded"  # body, reference, mediator, result
MEDIATION_SESSION_RECORDED = "MediationSessionRecorded"  # held_on, notes
LITIGATION_RECORDED = "LitigationRecorded"  # court, case_number, filed_on
HEARING_RECORDED = "HearingRecorded"      # held_on, notes
JUDGMENT_RECORDED = "JudgmentRecorded"    # judgment, judgment_on, served_on, appeal_by

# Deadlines (issue 4)
DEADLINE_EXTENDED = "DeadlineExtended"    # rule, days, unit, reason, approver
DEADLINE_PAUSED = "DeadlinePaused"        # rule, reason
DEADLINE_RESUMED = "DeadlineResumed"      # rule, reason

# Exports and personal data (issues 5, 6)
BUNDLE_EXPORTED = "BundleExported"        # manifest_sha256, include_notes, unmasked, reason
FIELD_UNMASKED = "FieldUnmasked"          # field, reason

# Never shown on the borrower's timeline.
INTERNAL = frozenset({NOTE_ADDED, FIELD_UNMASKED})
