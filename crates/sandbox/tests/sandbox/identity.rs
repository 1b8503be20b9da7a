//! (tests added in a following step)
