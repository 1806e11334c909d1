"""The consultation around the core: the form a clinician fills in, the visit as a record,
the review's start from the patient's history, the findings a review carries, the
referrals it follows, and the consultation as a value that is typed, decided once and
saved. Nothing here imports Streamlit or SQL."""
