"""Analysis: resilience metrics of runs, paired comparisons, plots and reports."""
