/** Warnings worded for people; the wording of a buffer near its threshold lives with the thresholds. */
export { thresholdWarning } from "../core/thresholds.js";
