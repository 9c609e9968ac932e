"""The names of events and what their payloads hold (past tense, docs/product.md §2).

One place for the vocabulary that the workflow writes and that the deadline engine, the
timeline and the bundle read. Payload keys are listed beside each kind; dates are ISO strings.
"""

from __future__ import annotations

from dispute.i18n import N_

# The dispute itself
DISPUTE_FILED = "DisputeFiled"            # number, institution, product, …, discovered_on
DISPUTE_CORRECTED = "DisputeCorrected"    # before: {field: old}, after: {field: new}
STAGE_ADVANCED = "StageAdvanced"          # from, to, + the fields the move records (see workflow)
DISPUTE_CLOSED = "DisputeClosed"          # from, resolution, summary
DISPUTE_WITHDRAWN = "DisputeWithdrawn"    # from, reason
DISPUTE_REOPENED = "DisputeReopened"      # to, reason
ASSIGNED = "Assigned"                     # handler_id, previous_id (names are sealed, not here)

# Evidence and contacts
EVIDENCE_ATTACHED = "EvidenceAttached"    # exhibit, sha256, …
EVIDENCE_WITHDRAWN = "EvidenceWithdrawn"  # exhibit, reason
EXHIBIT_DESCRIBED = "ExhibitDescribed"    # exhibit, evidence, before {proves, source}, after
EXHIBIT_RECLASSIFIED = "ExhibitReclassified"  # exhibit, evidence, before {kind, description,
#                                           recorded_on}, after (only the fields changed)
CONTACT_LOGGED = "ContactLogged"          # contact_id, channel, contacted_at
DEMAND_RECORDED = "DemandRecorded"        # sent_on, note, + for a letter made here: channel,
#                                           proof, document (its id), document_kind
# Documents (issue 13)
DOCUMENT_MADE = "DocumentMade"            # document (id), kind, lang, format, sha256, size

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
HEARING_RECORDED = "HearingRecorded"      # held_on, notes, + since issue 16: hearing_id,
#                                           hearing_kind, time ("HH:MM"), courtroom
JUDGMENT_RECORDED = "JudgmentRecorded"    # judgment, judgment_on, served_on, appeal_by

# What the error cost (issue 14)
CLAIM_LINES_SAVED = "ClaimLinesSaved"     # source ("page" | "csv"), charges, payments, dues,
#                                           currency (the lines themselves are in claim_lines)
CLAIM_CALCULATED = "ClaimCalculated"      # calculation_id, category, facts, overrides,
#                                           jurisdiction, lines (as saved), currency,
#                                           refund_minor, fees_before (the disputed amount it
#                                           replaced)

# Deadlines (issue 4)
DEADLINE_EXTENDED = "DeadlineExtended"    # rule, days, unit, reason, approver
DEADLINE_PAUSED = "DeadlinePaused"        # rule, reason
DEADLINE_RESUMED = "DeadlineResumed"      # rule, reason
DEADLINE_MOVED = "DeadlineMoved"          # rule, label, from, to, reasons [{year, cause}],
#                                           holidays (the library's version): a recount after
#                                           the holiday calendar changed (issue 18; no actor)

# Exports and personal data (issues 5, 6)
BUNDLE_EXPORTED = "BundleExported"        # manifest_sha256, include_notes, unmasked, reason
FIELD_UNMASKED = "FieldUnmasked"          # field, reason

# Accounts and sessions (issue 6): dispute_id is None. "user" is the account concerned (a UUID
# string); the actor is whoever acted (None for a failed login: nobody was proven). Passwords,
# hashes and temporary passwords never go into a payload.
ACCOUNT_CREATED = "AccountCreated"        # user, role
LOGGED_IN = "LoggedIn"                    # user, second_factor ("totp" | "recovery_code"; absent
#                                           for an account without two-step sign-in)
LOGIN_FAILED = "LoginFailed"              # user (None: no such account), reason
#                                           ("password" | "locked" | "disabled" | "unknown" |
#                                           "code" | "code_locked" | "confirm"); no email (since
#                                           0017; older events may hold an "email" key)
LOGIN_LOCKED = "LoginLocked"              # user (None: no such account), until (ISO UTC)
LOGGED_OUT = "LoggedOut"                  # user, reason ("logout" | "idle" | "disabled" |
#                                           "password_reset")
PASSWORD_CHANGED = "PasswordChanged"      # user, forced (after a reset)
PASSWORD_RESET = "PasswordReset"          # user  (the temporary password is shown once, not kept)
ROLE_CHANGED = "RoleChanged"              # user, from, to
ACCOUNT_DISABLED = "AccountDisabled"      # user
ACCOUNT_ENABLED = "AccountEnabled"        # user
# Email sign-up and self-service reset (issue 15); tokens never go into a payload.
EMAIL_VERIFIED = "EmailVerified"          # user
SIGNUP_EXISTING = "SignupForExistingEmail"  # user (someone registered an email that has an
#                                           account: the same answer on screen, a note to it)
RESET_REQUESTED = "PasswordResetRequested"  # user, sent (false: a link sent minutes ago)
RESET_BY_LINK = "PasswordResetByLink"     # user (the account's sessions end)
# The person's rights over their data (PIPL arts. 45-47, issue 19). Names and numbers go in only
# sealed under the person's own key ("s2:…"), so erasing them leaves these rows as they are.
NAME_CHANGED = "NameChanged"              # user, before, after (both sealed)
PHONE_CHANGED = "PhoneChanged"            # user, before, after (both sealed; None: no phone)
DATA_DOWNLOADED = "PersonalDataDownloaded"  # user, sha256 (of the ZIP), files, disputes
ERASURE_REQUESTED = "ErasureRequested"    # user, held ([{number, reason, until}]), until
ERASURE_CARRIED_OUT = "ErasureCarriedOut"  # user, requested_at, objects (evidence files deleted)
TWO_FACTOR_ENROLLED = "TwoFactorEnrolled"  # user (the secret and codes are never in a payload)
RECOVERY_CODE_USED = "RecoveryCodeUsed"   # user, left (unused codes after this one)
TWO_FACTOR_RESET = "TwoFactorReset"       # user, reason (by an administrator)
TWO_FACTOR_TURNED_OFF = "TwoFactorTurnedOff"  # user (a borrower, confirmed by password or code)
RECOVERY_CODES_RENEWED = "RecoveryCodesRenewed"  # user (the earlier codes stop working)

# Events about accounts, not disputes: their payloads hold nothing of a case, so the
# administrator's audit page may show them.
ACCOUNT_KINDS = frozenset({ACCOUNT_CREATED, LOGGED_IN, LOGIN_FAILED, LOGIN_LOCKED, LOGGED_OUT,
                           PASSWORD_CHANGED, PASSWORD_RESET, ROLE_CHANGED, ACCOUNT_DISABLED,
                           ACCOUNT_ENABLED, EMAIL_VERIFIED, SIGNUP_EXISTING, RESET_REQUESTED,
                           RESET_BY_LINK, NAME_CHANGED, PHONE_CHANGED, DATA_DOWNLOADED,
                           ERASURE_REQUESTED, ERASURE_CARRIED_OUT, TWO_FACTOR_ENROLLED,
                           RECOVERY_CODE_USED, TWO_FACTOR_RESET, TWO_FACTOR_TURNED_OFF,
                           RECOVERY_CODES_RENEWED})

# Never shown on the borrower's timeline.
INTERNAL = frozenset({NOTE_ADDED, FIELD_UNMASKED})

# Every kind above, for filters and checks.
ALL_KINDS = tuple(sorted(v for k, v in dict(globals()).items()
                         if k.isupper() and isinstance(v, str)))

# The words for each kind (msgids), for the timeline, the bundle's chronology and the audit log.
LABELS = {
    DISPUTE_FILED: N_("Dispute filed"),
    DISPUTE_CORRECTED: N_("Filing corrected"),
    STAGE_ADVANCED: N_("Stage changed"),
    DISPUTE_CLOSED: N_("Dispute closed"),
    DISPUTE_WITHDRAWN: N_("Dispute withdrawn"),
    DISPUTE_REOPENED: N_("Dispute reopened"),
    ASSIGNED: N_("Handler assigned"),
    EVIDENCE_ATTACHED: N_("Evidence added"),
    EVIDENCE_WITHDRAWN: N_("Evidence withdrawn"),
    EXHIBIT_DESCRIBED: N_("Exhibit's purpose and source recorded"),
    EXHIBIT_RECLASSIFIED: N_("Exhibit's kind, description or date corrected"),
    CONTACT_LOGGED: N_("Contact with the lender logged"),
    DEMAND_RECORDED: N_("Written demand recorded"),
    DOCUMENT_MADE: N_("Document made"),
    MESSAGE_SENT: N_("Message sent"),
    INFORMATION_REQUESTED: N_("Information requested from the borrower"),
    INFORMATION_PROVIDED: N_("Borrower provided information"),
    NOTE_ADDED: N_("Internal note added"),
    OFFER_MADE: N_("Offer made"),
    OFFER_ANSWERED: N_("Offer answered"),
    MEDIATION_RECORDED: N_("Mediation record updated"),
    MEDIATION_SESSION_RECORDED: N_("Mediation session recorded"),
    LITIGATION_RECORDED: N_("Litigation record updated"),
    HEARING_RECORDED: N_("Hearing recorded"),
    JUDGMENT_RECORDED: N_("Judgment recorded"),
    CLAIM_LINES_SAVED: N_("Account lines saved"),
    CLAIM_CALCULATED: N_("Calculation saved: what the error cost"),
    DEADLINE_EXTENDED: N_("Deadline extended"),
    DEADLINE_PAUSED: N_("Deadline paused"),
    DEADLINE_RESUMED: N_("Deadline resumed"),
    DEADLINE_MOVED: N_("Deadline moved by the holiday calendar"),
    BUNDLE_EXPORTED: N_("Case bundle exported"),
    FIELD_UNMASKED: N_("Personal data unmasked"),
    ACCOUNT_CREATED: N_("Account created"),
    LOGGED_IN: N_("Logged in"),
    LOGIN_FAILED: N_("Login failed"),
    LOGIN_LOCKED: N_("Login locked"),
    LOGGED_OUT: N_("Logged out"),
    PASSWORD_CHANGED: N_("Password changed"),
    PASSWORD_RESET: N_("Password reset"),
    ROLE_CHANGED: N_("Role changed"),
    ACCOUNT_DISABLED: N_("Account disabled"),
    ACCOUNT_ENABLED: N_("Account enabled"),
    EMAIL_VERIFIED: N_("Email address confirmed"),
    SIGNUP_EXISTING: N_("Registration tried with an email that has an account"),
    RESET_REQUESTED: N_("Password reset link requested"),
    RESET_BY_LINK: N_("Password reset by emailed link"),
    NAME_CHANGED: N_("Name changed"),
    PHONE_CHANGED: N_("Phone number changed"),
    DATA_DOWNLOADED: N_("Personal data downloaded"),
    ERASURE_REQUESTED: N_("Account deletion requested"),
    ERASURE_CARRIED_OUT: N_("Personal data erased"),
    TWO_FACTOR_ENROLLED: N_("Two-step sign-in set up"),
    RECOVERY_CODE_USED: N_("Signed in with a recovery code"),
    TWO_FACTOR_RESET: N_("Two-step sign-in reset"),
    TWO_FACTOR_TURNED_OFF: N_("Two-step sign-in turned off"),
    RECOVERY_CODES_RENEWED: N_("New recovery codes made"),
}


def label(kind: str) -> str:
    """The msgid naming an event kind (an unknown kind shows as itself)."""
    return LABELS.get(kind, kind)
