"""Every word the generated PDF prints, as msgids (translated into the requester's language).

The templates only print `text.<key>` and labels from here, so `scripts/i18n.py`, which reads
Python files, extracts every one of them.
"""

from __future__ import annotations

from dispute import event_kinds as k
from dispute.i18n import N_

TEXT: dict[str, str] = {
    "bundle": N_("Case bundle"),
    "case_number": N_("Case number"),
    "borrower": N_("Borrower"),
    "lender": N_("Lender"),
    "handler": N_("Handled by"),
    "stage": N_("Stage"),
    "resolution": N_("Resolution"),
    "filed_at": N_("Filed"),
    "updated_at": N_("Last changed"),
    "generated_at": N_("Bundle made"),
    "exported_by": N_("Made by"),
    "options": N_("Options"),
    "with_notes": N_("internal notes included"),
    "without_notes": N_("no internal notes"),
    "masked": N_("identity and account numbers masked"),
    "unmasked": N_("identity and account numbers NOT masked; reason: {reason}"),
    "fingerprint": N_("Exhibits fingerprint (SHA-256)"),
    "fingerprint_note": N_("The SHA-256 of the exhibit entries (exhibit, path, sha256, size, "
                           "media_type) of manifest.json in this bundle's ZIP."),
    "check_title": N_("How to check this bundle"),
    "check_intro": N_("Unpack the ZIP into a folder and run these commands in that folder. "
                      "sha256sum and OpenSSL come with Linux; on macOS use the shasum line; on "
                      "Windows, Git Bash or WSL has both."),
    "check_sums": N_("1. No file was changed: every line printed must end in OK."),
    "check_sums_mac": N_("(on macOS:)"),
    "check_key": N_("2. The key is the portal's: the SHA-256 printed must be the fingerprint "
                    "that the portal's operator gives out separately. This bundle was signed "
                    "with the key whose fingerprint is:"),
    "check_list": N_("3. The list of files was signed with that key: OpenSSL prints "
                     "\"Signature Verified Successfully\"."),
    "check_manifest": N_("4. The manifest (each file with its SHA-256, exhibit and pages) was "
                         "signed with that key: OpenSSL prints \"Signature Verified "
                         "Successfully\"."),
    "stamp": N_("page {page} of {total}"),  # beside the Bates number on every page
    "index": N_("Index"),
    "page": N_("Page"),
    "pages": N_("Pages"),
    "summary": N_("Case summary and remedies sought"),
    "product": N_("Product"),
    "account_ref": N_("Account"),
    "error_category": N_("What went wrong"),
    "description": N_("Description"),
    "proves": N_("What it proves"),
    "source": N_("Source of the evidence"),
    "error_occurred_on": N_("Error occurred on"),
    "payment_due_on": N_("Payment due on"),
    "discovered_on": N_("Discovered on"),
    "overdue": N_("Amount reported overdue"),
    "fees": N_("Fees and penalty interest charged"),
    "compensation": N_("Compensation sought"),
    "remedies": N_("Remedies sought"),
    "closing_summary": N_("Closing summary"),
    "calculation": N_("Calculation: what the error cost"),
    "calculation_saved": N_("Saved by {name}, {when}. Each charge on the account with the "
                            "decision and its reason; a person's override is shown beside the "
                            "calculator's own decision."),
    "calculation_basis": N_("From the calculation saved on {when} (see Calculation)"),
    "chronology": N_("Chronology"),
    "when": N_("When"),
    "event": N_("Event"),
    "by": N_("By"),
    "details": N_("Details"),
    "contacts": N_("Contact log"),
    "channel": N_("Channel"),
    "agent": N_("Agent"),
    "agreement": N_("Agreed"),
    "follow_up_on": N_("Follow up on"),
    "exhibits_linked": N_("Exhibits"),
    "no_entries": N_("None recorded."),
    "records": N_("Offers, mediation and litigation"),
    "offers": N_("Offers"),
    "offer_terms": N_("Terms"),
    "status": N_("Status"),
    "expires_on": N_("Expires on"),
    "answer": N_("Answer"),
    "refund": N_("Refund or waiver: {amount}"),
    "credit_correction": N_("Credit record corrected"),
    "instalments": N_("{count} instalments of {amount}"),
    "deferral_to": N_("Deferred to {date}"),
    "mediation": N_("Mediation"),
    "mediation_body": N_("Mediation body"),
    "reference": N_("Reference"),
    "mediator": N_("Mediator"),
    "result": N_("Result"),
    "sessions": N_("Sessions"),
    "litigation": N_("Litigation"),
    "court": N_("Court"),
    "court_case_number": N_("Court case number"),
    "filed_on": N_("Filed in court on"),
    "judgment": N_("Judgment"),
    "judgment_on": N_("Judgment on"),
    "served_on": N_("Served on"),
    "appeal_by": N_("Appeal by"),
    "hearings": N_("Hearings"),
    "notes": N_("Internal notes"),
    "evidence": N_("Evidence index"),
    "exhibit": N_("Exhibit"),
    "kind": N_("Kind"),
    "date": N_("Date"),
    "file_name": N_("File name"),
    "media_type": N_("Media type"),
    "size": N_("Size"),
    "exhibits": N_("Exhibits"),
    "withdrawn": N_("Withdrawn {date}: {reason}"),
    "withdrawn_mark": N_("Withdrawn"),
    "uploaded": N_("Uploaded by {name}, {when}"),
    "native_file": N_("Native file in the ZIP"),
    "sheet_pages": N_("The file's {count} page(s) follow this sheet, as they are."),
    "sheet_image": N_("The image follows this sheet, upright and fitted to the page; the "
                      "original resolution is in the native file."),
    "sheet_frames": N_("The image's {count} frames follow this sheet, upright and fitted to "
                       "the page."),
    "sheet_audio": N_("A recording cannot be printed: listen to the native file in the ZIP. "
                      "Its SHA-256 above identifies it."),
    "duration": N_("Duration"),
    "format": N_("Format"),
    "unknown": N_("unknown"),
    "sheet_text": N_("The text of the file follows."),
    "sheet_text_cut": N_("The first {count} characters are shown; the whole text is in the "
                         "native file."),
    "not_shown": N_("This file could not be shown in the PDF: {reason} The native file is in "
                    "the ZIP, unchanged."),
    "mediation_none": N_("No mediation recorded."),
    "litigation_none": N_("No litigation recorded."),
    "offers_none": N_("No offers recorded."),
}

OFFER_PROPOSED = N_("Proposed")
OFFER_ACCEPTED = N_("Accepted")
OFFER_REJECTED = N_("Rejected")

# Why an exhibit could not be shown (a sheet says so; the export goes on).
REASON_ENCRYPTED = N_("it is encrypted with a password.")
REASON_DAMAGED_PDF = N_("it is damaged and cannot be read as a PDF.")
REASON_DAMAGED_IMAGE = N_("the image is damaged or cannot be decoded.")
REASON_TOO_LARGE = N_("the image is too large to show: {width} × {height} pixels, more than "
                      "the {limit} million pixels that are decoded safely.")
REASON_NOT_PRINTABLE = N_("files of this type cannot be printed.")

EVENT_LABELS: dict[str, str] = k.LABELS  # one table of event words for every view
# The chronology's line of detail per event kind is `dispute.event_words.DETAILS`.
