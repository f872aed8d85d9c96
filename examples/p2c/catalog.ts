/**
 * The catalog of the built-in part-to-complete benchmark: four small agent
 * tasks (dinner booking from the seed paper's Figure 1, inbox triage,
 * invoice payment, trip booking). Check-only: the benchmark measures what
 * the checker says about labelled compositions, so no handler runs.
 */

/** A message in the inbox. */
export interface Email {
  sender: string;
  subject: string;
  body: string;
}

/** An invoice after checking. */
export interface Invoice {
  vendor: string;
  amount: number;
  valid: boolean;
}

/** A flight offer. */
export interface Flight {
  id: string;
  price: number;
}

/** Ask a single user for their preferred restaurants.
 *  @maxItems 5 */
export declare function ask_preference(user: string): Promise<string[]>;

/** Find a restaurant that satisfies all users' preferences. */
export declare function identify_overlap(preferences: Record<string, string[]>): Promise<string>;

/** The best-rated restaurant in town, whatever anyone likes. */
export declare function top_restaurant(): Promise<string>;

/** Confirm a reservation at the given restaurant.
 *  @effect reservation
 *  @irreversible */
export declare function book_table(restaurant: string): Promise<string>;

/** Read one email. */
export declare function read_email(id: string): Promise<Email>;

/** Summarise a list of texts in a paragraph. */
export declare function summarize(texts: string[]): Promise<string>;

/** Send an email.
 *  @effect email */
export declare function send_email(to: string, body: string): Promise<null>;

/** Check an invoice against the purchase orders. */
export declare function check_invoice(id: string): Promise<Invoice>;

/** Pay a vendor.
 *  @effect payment
 *  @irreversible */
export declare function pay(vendor: string, amount: number): Promise<string>;

/** Search flights to a city.
 *  @maxItems 5 */
export declare function search_flights(city: string): Promise<Flight[]>;

/** The cheapest flight of a list. */
export declare function pick_cheapest(flights: Flight[]): Promise<string>;

/** Book a flight.
 *  @effect reservation
 *  @irreversible */
export declare function book_flight(flight_id: string): Promise<string>;

/** Book a hotel room in a city.
 *  @effect reservation
 *  @irreversible */
export declare function book_hotel(city: string): Promise<string>;

/** Everyone coming to dinner.
 *  @maxItems 20 */
export declare const users: string[];

/** Ids of unread emails.
 *  @maxItems 10 */
export declare const inbox: string[];

/** Ids of invoices to settle.
 *  @maxItems 10 */
export declare const invoices: string[];

/** The invoice to settle now. */
export declare const invoice_id: string;

/** Where the trip goes. */
export declare const city: string;

/** The owner of the inbox. */
export declare const me: string;
