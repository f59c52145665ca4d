"""Pure computation: coordinates, city data I/O, statistics. No Streamlit, no folium."""
