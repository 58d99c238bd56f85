/** One real airport of the demo catalog. Coordinates are approximate (to about 100 m). */
export interface SeedAirport {
  /** IATA code. */
  code: string;
  name: string;
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** IANA time zone. */
  timeZone: string;
  lat: number;
  lon: number;
}

const IN = (code: string, name: string, city: string, lat: number, lon: number): SeedAirport => ({
  code,
  name,
  city,
  country: "IN",
  timeZone: "Asia/Kolkata",
  lat,
  lon,
});

export const indianAirports: SeedAirport[] = [
  IN("DEL", "Indira Gandhi International Airport", "New Delhi", 28.5562, 77.1),
  IN("BOM", "Chhatrapati Shivaji Maharaj International Airport", "Mumbai", 19.0896, 72.8656),
  IN("BLR", "Kempegowda International Airport", "Bengaluru", 13.1986, 77.7066),
  IN("MAA", "Chennai International Airport", "Chennai", 12.9941, 80.1709),
  IN("CCU", "Netaji Subhas Chandra Bose International Airport", "Kolkata", 22.6547, 88.4467),
  IN("HYD", "Rajiv Gandhi International Airport", "Hyderabad", 17.2403, 78.4294),
  IN("GOI", "Goa International Airport (Dabolim)", "Goa", 15.3808, 73.8314),
  IN("COK", "Cochin International Airport", "Kochi", 10.152, 76.4019),
  IN("AMD", "Sardar Vallabhbhai Patel International Airport", "Ahmedabad", 23.0772, 72.6347),
  IN("PNQ", "Pune Airport", "Pune", 18.5822, 73.9197),
  IN("JAI", "Jaipur International Airport", "Jaipur", 26.8242, 75.8122),
  IN("LKO", "Chaudhary Charan Singh International Airport", "Lucknow", 26.7606, 80.8893),
  IN("GAU", "Lokpriya Gopinath Bordoloi International Airport", "Guwahati", 26.1061, 91.5859),
  IN("IXC", "Shaheed Bhagat Singh International Airport", "Chandigarh", 30.6735, 76.7885),
  IN("ATQ", "Sri Guru Ram Dass Jee International Airport", "Amritsar", 31.7096, 74.7973),
  IN("TRV", "Thiruvananthapuram International Airport", "Thiruvananthapuram", 8.4821, 76.9201),
  IN("PAT", "Jay Prakash Narayan International Airport", "Patna", 25.5913, 85.088),
  IN("BBI", "Biju Patnaik International Airport", "Bhubaneswar", 20.2444, 85.8178),
  IN("NAG", "Dr. Babasaheb Ambedkar International Airport", "Nagpur", 21.0922, 79.0472),
  IN("IXB", "Bagdogra Airport", "Siliguri", 26.6812, 88.3286),
  IN("SXR", "Srinagar International Airport", "Srinagar", 33.9871, 74.7742),
  IN("VNS", "Lal Bahadur Shastri International Airport", "Varanasi", 25.4524, 82.8593),
  IN("IDR", "Devi Ahilya Bai Holkar Airport", "Indore", 22.7218, 75.8011),
  IN("CJB", "Coimbatore International Airport", "Coimbatore", 11.03, 77.0434),
  IN("VTZ", "Visakhapatnam International Airport", "Visakhapatnam", 17.7212, 83.2245),
  IN("IXM", "Madurai Airport", "Madurai", 9.8345, 78.0934),
];

const at = (
  code: string,
  name: string,
  city: string,
  country: string,
  timeZone: string,
  lat: number,
  lon: number,
): SeedAirport => ({ code, name, city, country, timeZone, lat, lon });

export const internationalAirports: SeedAirport[] = [
  // South Asia and the Indian Ocean
  at("CMB", "Bandaranaike International Airport", "Colombo", "LK", "Asia/Colombo", 7.1808, 79.8841),
  at("KTM", "Tribhuvan International Airport", "Kathmandu", "NP", "Asia/Kathmandu", 27.6966, 85.3591),
  at("DAC", "Hazrat Shahjalal International Airport", "Dhaka", "BD", "Asia/Dhaka", 23.8433, 90.3978),
  at("MLE", "Velana International Airport", "Malé", "MV", "Indian/Maldives", 4.1918, 73.5291),
  // Middle East
  at("DXB", "Dubai International Airport", "Dubai", "AE", "Asia/Dubai", 25.2532, 55.3657),
  at("AUH", "Zayed International Airport", "Abu Dhabi", "AE", "Asia/Dubai", 24.433, 54.6511),
  at("DOH", "Hamad International Airport", "Doha", "QA", "Asia/Qatar", 25.2731, 51.6081),
  // East and Southeast Asia
  at("SIN", "Singapore Changi Airport", "Singapore", "SG", "Asia/Singapore", 1.3644, 103.9915),
  at("KUL", "Kuala Lumpur International Airport", "Kuala Lumpur", "MY", "Asia/Kuala_Lumpur", 2.7456, 101.7099),
  at("BKK", "Suvarnabhumi Airport", "Bangkok", "TH", "Asia/Bangkok", 13.69, 100.7501),
  at("HKG", "Hong Kong International Airport", "Hong Kong", "HK", "Asia/Hong_Kong", 22.308, 113.9185),
  at("NRT", "Narita International Airport", "Tokyo", "JP", "Asia/Tokyo", 35.772, 140.3929),
  at("HND", "Tokyo Haneda Airport", "Tokyo", "JP", "Asia/Tokyo", 35.5494, 139.7798),
  at("ICN", "Incheon International Airport", "Seoul", "KR", "Asia/Seoul", 37.4602, 126.4407),
  at("PEK", "Beijing Capital International Airport", "Beijing", "CN", "Asia/Shanghai", 40.0799, 116.6031),
  at("PVG", "Shanghai Pudong International Airport", "Shanghai", "CN", "Asia/Shanghai", 31.1443, 121.8083),
  // Oceania
  at("SYD", "Sydney Kingsford Smith Airport", "Sydney", "AU", "Australia/Sydney", -33.9399, 151.1753),
  at("MEL", "Melbourne Airport", "Melbourne", "AU", "Australia/Melbourne", -37.669, 144.841),
  // Europe
  at("LHR", "London Heathrow Airport", "London", "GB", "Europe/London", 51.47, -0.4543),
  at("CDG", "Paris Charles de Gaulle Airport", "Paris", "FR", "Europe/Paris", 49.0097, 2.5479),
  at("FRA", "Frankfurt Airport", "Frankfurt", "DE", "Europe/Berlin", 50.0379, 8.5622),
  at("AMS", "Amsterdam Airport Schiphol", "Amsterdam", "NL", "Europe/Amsterdam", 52.3105, 4.7683),
  at("MAD", "Adolfo Suárez Madrid–Barajas Airport", "Madrid", "ES", "Europe/Madrid", 40.4983, -3.5676),
  at("FCO", "Leonardo da Vinci–Fiumicino Airport", "Rome", "IT", "Europe/Rome", 41.8003, 12.2389),
  at("IST", "Istanbul Airport", "Istanbul", "TR", "Europe/Istanbul", 41.2753, 28.7519),
  at("ZRH", "Zurich Airport", "Zurich", "CH", "Europe/Zurich", 47.4582, 8.5555),
  // North America
  at("JFK", "John F. Kennedy International Airport", "New York", "US", "America/New_York", 40.6413, -73.7781),
  at("EWR", "Newark Liberty International Airport", "Newark", "US", "America/New_York", 40.6895, -74.1745),
  at("LAX", "Los Angeles International Airport", "Los Angeles", "US", "America/Los_Angeles", 33.9416, -118.4085),
  at("SFO", "San Francisco International Airport", "San Francisco", "US", "America/Los_Angeles", 37.6213, -122.379),
  at("ORD", "O'Hare International Airport", "Chicago", "US", "America/Chicago", 41.9742, -87.9073),
  at("ATL", "Hartsfield–Jackson Atlanta International Airport", "Atlanta", "US", "America/New_York", 33.6407, -84.4277),
  at("DFW", "Dallas Fort Worth International Airport", "Dallas", "US", "America/Chicago", 32.8998, -97.0403),
  at("SEA", "Seattle–Tacoma International Airport", "Seattle", "US", "America/Los_Angeles", 47.4502, -122.3088),
  at("YYZ", "Toronto Pearson International Airport", "Toronto", "CA", "America/Toronto", 43.6777, -79.6248),
  at("YVR", "Vancouver International Airport", "Vancouver", "CA", "America/Vancouver", 49.1967, -123.1815),
  at("MEX", "Mexico City International Airport", "Mexico City", "MX", "America/Mexico_City", 19.4361, -99.0719),
  // South America
  at("GRU", "São Paulo/Guarulhos International Airport", "São Paulo", "BR", "America/Sao_Paulo", -23.4356, -46.4731),
  at("EZE", "Ministro Pistarini International Airport", "Buenos Aires", "AR", "America/Argentina/Buenos_Aires", -34.8222, -58.5358),
  // Africa
  at("JNB", "O. R. Tambo International Airport", "Johannesburg", "ZA", "Africa/Johannesburg", -26.1367, 28.2411),
  at("CAI", "Cairo International Airport", "Cairo", "EG", "Africa/Cairo", 30.1219, 31.4056),
  at("NBO", "Jomo Kenyatta International Airport", "Nairobi", "KE", "Africa/Nairobi", -1.3192, 36.9278),
];

export const seedAirports: SeedAirport[] = [...indianAirports, ...internationalAirports];
