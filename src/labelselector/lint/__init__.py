"""``labelselector lint``: a Kubernetes manifest linter for labels and selectors."""
