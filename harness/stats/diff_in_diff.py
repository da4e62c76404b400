"""Difference-in-differences: is a recipe's gain over a baseline larger on low-resource languages,
once what else differs between languages (seen in fine-tuning, script) is held fixed?"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class DiffInDiff:
    """The low-resource coefficient of an OLS of per-language gain on low-resource and covariates."""

    estimate: float
    se: float  # HC3
    ci: tuple[float, float]
    p: float
    languages: int
    covariates: tuple[str, ...]


def diff_in_diff(gains: pd.DataFrame, covariates: tuple[str, ...] = ()) -> DiffInDiff:
    """`gains`: one row per language with `gain` (recipe minus baseline), `low_resource` (0/1) and each
    covariate column (0/1 or numeric). statsmodels OLS with HC3 standard errors (languages differ in
    how noisy their gains are); without covariates it is the difference of the two groups' mean gains."""
    import statsmodels.formula.api as smf

    needed = {"gain", "low_resource", *covariates}
    missing = needed - set(gains.columns)
    if missing:
        raise ValueError(f"diff_in_diff: missing column(s) {sorted(missing)}")
    frame = gains[list(needed)].dropna()
    groups = frame["low_resource"].astype(int)
    if groups.nunique() < 2 or min((groups == 0).sum(), (groups == 1).sum()) < 2:
        raise ValueError("diff_in_diff: needs at least 2 low-resource and 2 other languages")
    formula = "gain ~ low_resource" + "".join(f" + {c}" for c in covariates)
    fit = smf.ols(formula, data=frame.assign(low_resource=groups)).fit(cov_type="HC3")
    low, high = fit.conf_int().loc["low_resource"]
    return DiffInDiff(
        float(fit.params["low_resource"]),
        float(fit.bse["low_resource"]),
        (float(low), float(high)),
        float(fit.pvalues["low_resource"]),
        len(frame),
        covariates,
    )
