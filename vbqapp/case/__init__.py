"""Case page: upload, viewer and canvas, ROI table, scores and exports."""
