"""Reports: the PDF documents (ReportLab, no Qt)."""
