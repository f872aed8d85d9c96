/**
 * The dinner catalog of the seed paper (Figure 1): ask each user for their
 * favourite restaurants, find one everyone likes, book it. The handlers are
 * deterministic stand-ins for the real services (no network): preferences
 * come from a fixed table and a booking code is derived from the name.
 */

/** A confirmed reservation. */
export interface Booking {
  restaurant: string;
  code: string;
}

/** What each known user answers, best first. */
const LIKES: Record<string, string[]> = {
  kim: ["Noodle Bar", "Olive"],
  lee: ["Olive", "Noodle Bar"],
  max: ["Olive"],
  ana: ["Roma", "Olive", "Saffron"],
};

/** Ask a single user for their preferred restaurants.
 *  @maxItems 5 */
export async function ask_preference(user: string): Promise<string[]> {
  return (LIKES[user] ?? []).slice(0, 5);
}

/** Find a restaurant that satisfies all users' preferences. */
export async function identify_overlap(preferences: Record<string, string[]>): Promise<string> {
  const lists = Object.values(preferences);
  const first = lists[0];
  if (first === undefined) return "";
  // The first user's order breaks ties: the earliest restaurant everyone listed.
  return first.find((r) => lists.every((l) => l.includes(r))) ?? "";
}

/** Confirm a reservation at the given restaurant.
 *  @effect reservation
 *  @irreversible */
export async function book_table(restaurant: string): Promise<Booking> {
  let h = 0;
  for (const ch of restaurant) h = (h * 31 + ch.charCodeAt(0)) % 100000;
  return { restaurant, code: `R-${String(h).padStart(5, "0")}` };
}

/** Everyone coming to dinner.
 *  @maxItems 20 */
export declare const users: string[];
