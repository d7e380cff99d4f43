"""Date formats for Streamlit's date widgets, as UK readers read dates (``07 Aug 2026``).

Dates in text go through ``mapping.dates.uk_date``; these are the same order for the grid's
date columns and the date pickers, so every date on screen reads the same way.
"""

# For st.column_config.DateColumn (a moment.js pattern): 07 Aug 2026.
DATE_COLUMN_FORMAT = "DD MMM YYYY"
# st.date_input takes only digits in a fixed order; day first is the UK order.
DATE_INPUT_FORMAT = "DD/MM/YYYY"
